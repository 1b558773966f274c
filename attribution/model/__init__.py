"""The fine-tuned windowed classifier: tag set, article windows, and inference."""
