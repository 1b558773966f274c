"""The fine-tuned windowed classifier: tag set, article windows, and inference."""

import json
from pathlib import Path

#: Beside the Hugging Face files of every model directory: design, window settings, library versions.
MODEL_CONFIG_FILE = "attribution_config.json"


def saved_design(model_dir: str | Path) -> str | None:
    """The design a saved model directory declares ("window" where its settings name none), or ``None`` when
    the directory holds no attribution settings (not a model from ``attribution train``)."""
    settings = Path(model_dir) / MODEL_CONFIG_FILE
    if not settings.is_file():
        return None
    return json.loads(settings.read_text(encoding="utf-8")).get("design", "window")
