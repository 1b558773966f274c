"""The fine-tuned classifiers: tag set, article windows, pair inputs, inference, and the saved model directory.

The directory itself (settings, weights, tokenizer; written by training, read by scoring) is
:class:`attribution.model.saved.SavedModel`; its names are re-exported here for the callers that only need the
design or the safety check.
"""

from attribution.model.saved import (
    MODEL_CONFIG_FILE,
    PAIR_MAX_LENGTH,
    WEIGHTS_FILE,
    ModelSettings,
    ModelVersionWarning,
    SavedModel,
    check_safetensors,
    saved_design,
)

__all__ = ["MODEL_CONFIG_FILE", "PAIR_MAX_LENGTH", "WEIGHTS_FILE", "ModelSettings", "ModelVersionWarning",
           "SavedModel", "check_safetensors", "saved_design"]
