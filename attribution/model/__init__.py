"""The fine-tuned windowed classifier: tag set, article windows, and inference."""

import json
from pathlib import Path

#: The weights file every model directory must hold: safetensors only, never a pickle (``pytorch_model.bin``
#: loads through ``torch.load``, which can run code from a hostile file).
WEIGHTS_FILE = "model.safetensors"

#: Beside the Hugging Face files of every model directory: design, window settings, library versions.
MODEL_CONFIG_FILE = "attribution_config.json"


def saved_design(model_dir: str | Path) -> str | None:
    """The design a saved model directory declares ("window" where its settings name none), or ``None`` when
    the directory holds no attribution settings (not a model from ``attribution train``)."""
    settings = Path(model_dir) / MODEL_CONFIG_FILE
    if not settings.is_file():
        return None
    return json.loads(settings.read_text(encoding="utf-8")).get("design", "window")


def check_safetensors(model_dir: str | Path) -> Path:
    """Refuse a model directory whose weights are not in ``model.safetensors`` (pickled weights are never
    loaded); returns the directory. Raises :class:`FileNotFoundError` with the reason."""
    path = Path(model_dir)
    if (path / WEIGHTS_FILE).is_file() or (path / f"{WEIGHTS_FILE}.index.json").is_file():  # whole or sharded
        return path
    pickled = sorted(p.name for p in path.glob("*.bin")) + sorted(p.name for p in path.glob("*.pt*"))
    found = f" (found {', '.join(pickled)}: pickled weights are never loaded, they can run code)" if pickled else ""
    raise FileNotFoundError(f"{path}: no {WEIGHTS_FILE}{found}; attribution loads safetensors weights only "
                            "(convert with transformers' save_pretrained(..., safe_serialization=True))")
