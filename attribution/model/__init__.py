"""The fine-tuned windowed classifier: tag set, article windows, and inference."""

#: Beside the Hugging Face files of every model directory: design, window settings, library versions.
MODEL_CONFIG_FILE = "attribution_config.json"
