"""The saved model directory, written and read by one class: :class:`SavedModel`.

A directory holds the Hugging Face files (``config.json`` with the label maps, ``model.safetensors`` in half
precision, the tokenizer) or, for the TF-IDF baseline, ``baseline.json``; beside them ``attribution_config.json``,
the typed :class:`ModelSettings` (design, input length, window overlap, when it was saved and the library versions
it was saved with). Training writes through :meth:`SavedModel.save`; scoring, the benchmarks and ``--init-from``
read through :meth:`SavedModel.settings_of` (settings only, no torch) and :meth:`SavedModel.load` (weights in
fp32, int8 if asked, safetensors only, offline). On load the stamped torch, transformers and attribution versions
are compared with the running ones: a different major.minor gives one :class:`ModelVersionWarning`, not an error.

This module imports no torch or transformers at import time: reading a directory's design stays cheap.
"""

from __future__ import annotations

import json
import os
import platform
import re
import warnings
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

#: The weights file every model directory must hold: safetensors only, never a pickle (``pytorch_model.bin``
#: loads through ``torch.load``, which can run code from a hostile file).
WEIGHTS_FILE = "model.safetensors"

#: Beside the Hugging Face files of every model directory: design, window settings, library versions.
MODEL_CONFIG_FILE = "attribution_config.json"

#: The TF-IDF baseline's vocabulary, idf weights and coefficients (plain JSON, no pickle).
BASELINE_FILE = "baseline.json"

#: The designs a model directory can declare: windows of an article (with source and cue tags), (previous
#: sentence, sentence) pairs, or the TF-IDF + logistic-regression baseline.
DESIGNS = ("window", "pair", "tfidf")

#: The pair design's maximum input length in tokens (previous sentence and sentence together): longer pairs are
#: truncated, longest first. Training, inference, the model card and config validation all read it from here.
PAIR_MAX_LENGTH = 128

#: The window design's default window length in tokens.
WINDOW_MAX_LENGTH = 256

#: The input lengths any design accepts: at least 16 tokens, at most the encoder's 512 positions.
MIN_MAX_LENGTH = 16
MAX_MAX_LENGTH = 512

#: Sentences shared by neighbouring windows (the window design's default).
DEFAULT_OVERLAP = 1

#: Libraries stamped in the settings (``versions``) when a model is saved.
LIBRARIES = ("attribution", "torch", "transformers", "datasets", "scikit-learn", "tokenizers", "safetensors")

#: The stamped libraries whose major.minor is compared with the running ones on load.
CHECKED_LIBRARIES = ("torch", "transformers", "attribution")


class ModelVersionWarning(UserWarning):
    """A model directory was saved with a different major.minor of torch, transformers or attribution."""


def design_max_length(design: str, max_length: int | None) -> int:
    """The input length a design actually runs at: the window design takes ``max_length`` (default
    :data:`WINDOW_MAX_LENGTH`); the pair design caps it at :data:`PAIR_MAX_LENGTH`."""
    if design == "pair":
        return min(max_length or PAIR_MAX_LENGTH, PAIR_MAX_LENGTH)
    return max_length or WINDOW_MAX_LENGTH


def library_versions() -> dict[str, str]:
    """The running Python and :data:`LIBRARIES` versions ("not installed" for a missing one)."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing optional library is reported, not fatal
            versions[name] = "not installed"
    return versions


def _major_minor(text: str) -> tuple[int, int] | None:
    match = re.match(r"(\d+)\.(\d+)", text or "")
    return (int(match[1]), int(match[2])) if match else None


def version_mismatches(stamped: dict[str, str], running: dict[str, str] | None = None) -> list[str]:
    """``"name saved-version (running running-version)"`` for each of :data:`CHECKED_LIBRARIES` whose stamped
    major.minor differs from the running one; a library missing on either side, or unparsable, is not compared."""
    running = library_versions() if running is None else running
    found = []
    for name in CHECKED_LIBRARIES:
        saved, now = _major_minor(stamped.get(name, "")), _major_minor(running.get(name, ""))
        if saved is not None and now is not None and saved != now:
            found.append(f"{name} {stamped[name]} (running {running[name]})")
    return found


@dataclass(frozen=True)
class ModelSettings:
    """The typed contents of ``attribution_config.json``; validated on construction, JSON both ways.

    ``max_length`` and ``overlap`` are ``None`` where a file does not give them (the TF-IDF baseline, early
    windowed models): :attr:`input_length` and :attr:`window_overlap` then give the design's defaults. A file
    without ``design`` is a windowed model (the first design). Unknown keys and bad values raise
    :class:`ValueError` naming them.
    """

    design: str = "window"
    max_length: int | None = None
    overlap: int | None = None
    saved_at: str | None = None  # ISO 8601, UTC
    versions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        errors = []
        if self.design not in DESIGNS:
            errors.append(f"design must be one of {DESIGNS}, not {self.design!r}")
        if self.max_length is not None and (not _is_int(self.max_length)
                                            or not MIN_MAX_LENGTH <= self.max_length <= MAX_MAX_LENGTH):
            errors.append(f"max_length must be a whole number of tokens from {MIN_MAX_LENGTH} to {MAX_MAX_LENGTH}, "
                          f"not {self.max_length!r}")
        if self.overlap is not None and (not _is_int(self.overlap) or self.overlap < 1):
            errors.append(f"overlap must be a whole number of sentences, at least 1, not {self.overlap!r}")
        if self.saved_at is not None:
            try:
                datetime.fromisoformat(self.saved_at)
            except (TypeError, ValueError):
                errors.append(f"saved_at must be an ISO 8601 time, not {self.saved_at!r}")
        if not isinstance(self.versions, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in self.versions.items()):
            errors.append(f"versions must map library names to version strings, not {self.versions!r}")
        if errors:
            raise ValueError("invalid model settings: " + "; ".join(errors))

    @property
    def input_length(self) -> int | None:
        """Tokens per input the model runs at (see :func:`design_max_length`); ``None`` for the TF-IDF baseline."""
        return None if self.design == "tfidf" else design_max_length(self.design, self.max_length)

    @property
    def window_overlap(self) -> int:
        return DEFAULT_OVERLAP if self.overlap is None else self.overlap

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ModelSettings:
        if not isinstance(values, dict):
            raise ValueError(f"invalid model settings: expected a JSON object, got {type(values).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"invalid model settings: unknown key(s) {', '.join(unknown)} "
                             f"(known: {', '.join(f.name for f in fields(cls))})")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The settings, keys in field order, without those left unset (``None``)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, text: str) -> ModelSettings:
        try:
            values = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid model settings: not JSON ({exc})") from None
        return cls.from_dict(values)

    def to_json(self) -> str:
        """Indented JSON with a final newline, the layout ``attribution_config.json`` has always had."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def read(cls, model_dir: str | Path) -> ModelSettings | None:
        """The settings of a model directory, or ``None`` when it holds no ``attribution_config.json``;
        a file that does not validate raises :class:`ValueError` naming it."""
        path = Path(model_dir) / MODEL_CONFIG_FILE
        if not path.is_file():
            return None
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    def stamped(self) -> ModelSettings:
        """These settings with the time now and the running library versions (what :meth:`SavedModel.save`
        writes)."""
        return ModelSettings(self.design, self.max_length, self.overlap,
                             datetime.now(UTC).isoformat(timespec="seconds"), library_versions())


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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


def normal_permissions(model_dir: str | Path) -> None:
    """Give the files of a model directory the mode a plain ``open()`` gives (0644 under the usual umask):
    ``safetensors`` writes its weights through a private temporary file (mode 0600), which would leave
    ``model.safetensors`` unreadable to the rest of a group sharing the model."""
    mask = os.umask(0)
    os.umask(mask)
    for path in Path(model_dir).iterdir():
        if path.is_file() and not path.is_symlink():
            path.chmod(0o666 & ~mask)


def saved_design(model_dir: str | Path) -> str | None:
    """The design a saved model directory declares ("window" where its settings name none), or ``None`` when
    the directory holds no attribution settings (not a model from ``attribution train``)."""
    settings = ModelSettings.read(model_dir)
    return settings.design if settings is not None else None


@dataclass
class SavedModel:
    """A model directory's settings with its model and tokenizer (the baseline's JSON payload as ``model``,
    no tokenizer, for the TF-IDF design): :meth:`save` writes one, :meth:`load` reads one,
    :meth:`classifier` wraps it for scoring."""

    settings: ModelSettings
    model: Any = None
    tokenizer: Any = None
    path: Path | None = None
    encoder: Any = None  # the ONNX Runtime session of a pair model loaded with backend="onnx"

    @property
    def design(self) -> str:
        return self.settings.design

    @staticmethod
    def settings_of(model_dir: str | Path) -> ModelSettings | None:
        """The directory's settings without loading anything else (no torch); ``None`` without a settings file."""
        return ModelSettings.read(model_dir)

    def save(self, model_dir: str | Path, dtype: str = "float16") -> Path:
        """Write the directory: weights as safetensors (half precision unless ``dtype="float32"``; the model
        in memory is left in fp32), tokenizer, ``config.json``, and the settings stamped with the time and the
        library versions (the baseline: ``baseline.json`` and the settings)."""
        out = Path(model_dir)
        out.mkdir(parents=True, exist_ok=True)
        if self.design == "tfidf":
            (out / BASELINE_FILE).write_text(json.dumps(self.model), encoding="utf-8")
        else:
            import torch

            if dtype not in ("float16", "float32"):
                raise ValueError(f"dtype must be float16 or float32, not {dtype!r}")
            to_save = self.model.to(torch.float16) if dtype == "float16" else self.model
            to_save.save_pretrained(out, safe_serialization=True)
            self.tokenizer.save_pretrained(out)
            self.model.to(torch.float32)
        self.settings = self.settings.stamped()
        (out / MODEL_CONFIG_FILE).write_text(self.settings.to_json(), encoding="utf-8")
        normal_permissions(out)
        self.path = out
        return out

    @classmethod
    def load(cls, model_dir: str | Path, quantize: str | None = None, design: str | None = None,
             check_versions: bool = True, backend: str = "torch") -> SavedModel:
        """Read a directory: settings (defaults of ``design``, else the window design, where it has no settings
        file), then, for the transformer designs, safetensors weights only (pickles refused before anything is
        read), in fp32 or dynamic int8 (``quantize="int8"``), the tokenizer, offline, with torch threads set to
        the cores available; for the baseline, ``baseline.json``. ``design`` given and different from the
        directory's raises :class:`ValueError`. A stamped torch, transformers or attribution version whose
        major.minor differs from the running one gives one :class:`ModelVersionWarning`.

        ``backend="onnx"`` (pair design) also opens the model's ONNX Runtime graph, int8 with ``quantize="int8"``,
        built and cached on first use (:func:`attribution.model.onnx_backend.load_encoder`); where it cannot run
        (the ``[onnx]`` extra missing, a broken graph) a :class:`~attribution.model.onnx_backend.BackendWarning`
        says why and the model runs on PyTorch. ``"auto"`` is ``"onnx"`` for a pair model when the extra is
        installed, else ``"torch"``, without a warning; other designs always run on PyTorch."""
        if backend not in ("torch", "onnx", "auto"):
            raise ValueError(f"unknown backend {backend!r}; use torch, onnx or auto")
        path = Path(model_dir)
        settings = ModelSettings.read(path) or ModelSettings(design=design or "window")
        if design is not None and settings.design != design:
            raise ValueError(f"{path} is a {settings.design}-design model, not a {design}-design one")
        if settings.design != "tfidf":
            check_safetensors(path)
        if check_versions:
            mismatched = version_mismatches(settings.versions)
            if mismatched:
                warnings.warn(f"model {path} was saved with {', '.join(mismatched)}: its labels and probabilities "
                              "may differ from those it was measured with (retrain, or install the versions saved "
                              f"in {MODEL_CONFIG_FILE})", ModelVersionWarning, stacklevel=2)
        if settings.design == "tfidf":
            return cls(settings, json.loads((path / BASELINE_FILE).read_text(encoding="utf-8")), None, path)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification, AutoTokenizer

        from attribution.model.classifier import quantize_int8, set_threads

        auto_class = AutoModelForSequenceClassification if settings.design == "pair" else \
            AutoModelForTokenClassification
        model = auto_class.from_pretrained(path, dtype=torch.float32, use_safetensors=True)
        tokenizer = AutoTokenizer.from_pretrained(path)
        set_threads()
        encoder = None
        if backend != "torch":
            from attribution.model import onnx_backend

            if settings.design != "pair":
                if backend == "onnx":
                    warnings.warn(f"the ONNX backend runs pair-design models; {path} is a {settings.design}-design "
                                  "one, run on PyTorch", onnx_backend.BackendWarning, stacklevel=2)
            elif backend == "onnx" or onnx_backend.onnx_available():
                encoder = onnx_backend.load_encoder(path, quantize)
        if quantize == "int8" and encoder is None:
            model = quantize_int8(model)
        return cls(settings, model, tokenizer, path, encoder)

    def classifier(self, batch_size: int | None = None, name: str | None = None):
        """The loaded model wrapped for scoring: a window, pair or TF-IDF classifier (named by its path)."""
        name = name or str(self.path)
        if self.design == "tfidf":
            from attribution.model.tfidf import TfidfClassifier

            data = self.model
            return TfidfClassifier(data["vocabulary"], data["idf"], data["coef"], data["intercept"],
                                   data["classes"], name=name)
        if self.design == "pair":
            from attribution.model.pair import PairClassifier

            return PairClassifier(self.model, self.tokenizer, batch_size or 32, self.settings.input_length, name=name,
                                  encoder=self.encoder)
        from attribution.model.classifier import WindowClassifier

        return WindowClassifier(self.model, self.tokenizer, self.settings.input_length, self.settings.window_overlap,
                                batch_size or 16, name=name)
