"""The trained intent model as the assistant uses it: feature weights from a .npz file.

The file holds plain arrays (feature strings, labels, weights, intercepts, a temperature
and the fingerprint of the data it was trained on), read with `allow_pickle=False`, so
loading it runs no code. Scoring is a sum of the weights of the features present: no
scikit-learn at run time. A missing or unreadable file is a `ModelError` naming the file,
raised when the assistant starts; there is no fall-back to the old cue rules.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

ENV_PATH = "CALENDAR_ASSISTANT_INTENT_MODEL"
FILE_NAME = "intents.npz"


class ModelError(RuntimeError):
    """The intent model cannot be used; the message names the file and what to do."""


def default_path() -> Path:
    """The model file: $CALENDAR_ASSISTANT_INTENT_MODEL, else the one in the package."""
    said = os.environ.get(ENV_PATH)
    if said:
        return Path(said)
    return Path(str(resources.files("calendar_assistant.understanding.intent").joinpath("model")))


def model_file() -> Path:
    path = default_path()
    return path / FILE_NAME if path.is_dir() else path


@dataclass(frozen=True, slots=True)
class IntentModel:
    labels: tuple[str, ...]
    index: dict[str, int]  # feature string → row of `weights`
    weights: npt.NDArray[np.float32]  # (features, labels)
    intercept: npt.NDArray[np.float32]  # (labels,)
    temperature: float
    fingerprint: str

    def scores(self, feats: list[str]) -> npt.NDArray[np.float64]:
        """The raw per-label scores (logits) of a message's features."""
        index = self.index
        rows = [row for row in map(index.get, feats) if row is not None]
        if not rows:
            return self.intercept.astype(np.float64)
        total = np.add.reduce(self.weights[rows], axis=0, dtype=np.float64)
        logits: npt.NDArray[np.float64] = total / np.sqrt(len(rows)) + self.intercept
        return logits

    def probabilities(self, feats: list[str]) -> dict[str, float]:
        """Calibrated probability of each label (softmax of the scores over the temperature)."""
        logits = self.scores(feats) / self.temperature
        logits -= logits.max()
        exp = np.exp(logits)
        probs = exp / exp.sum()
        return {label: float(p) for label, p in zip(self.labels, probs, strict=True)}


def read_model(path: Path) -> IntentModel:
    """The model in `path`; a `ModelError` naming the file when it is missing or damaged."""
    if not path.is_file():
        raise ModelError(
            f"intent model not found: {path} (build it with `make model` or "
            "`calendar-assistant train-intents`)"
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            features = [str(f) for f in data["features"]]
            labels = tuple(str(label) for label in data["labels"])
            weights = np.asarray(data["weights"], dtype=np.float32)
            intercept = np.asarray(data["intercept"], dtype=np.float32)
            temperature = float(data["temperature"])
            fingerprint = str(data["fingerprint"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as error:
        raise ModelError(
            f"intent model unreadable: {path} ({type(error).__name__}); rebuild it with "
            "`make model`"
        ) from error
    if weights.shape != (len(features), len(labels)) or intercept.shape != (len(labels),):
        raise ModelError(f"intent model damaged: {path} (array shapes do not agree)")
    if not temperature > 0 or not np.isfinite(weights).all():
        raise ModelError(f"intent model damaged: {path} (weights are not finite)")
    return IntentModel(
        labels=labels,
        index={f: k for k, f in enumerate(features)},
        weights=weights,
        intercept=intercept,
        temperature=temperature,
        fingerprint=fingerprint,
    )


@lru_cache(maxsize=1)
def _loaded(path: Path) -> IntentModel:
    return read_model(path)


@lru_cache(maxsize=8)
def _model_file_for(_said: str | None) -> Path:
    return model_file()


def intent_model() -> IntentModel:
    """The model the assistant uses (read once per process).

    Runs on every message: the file's place is looked up once per value of the variable
    (finding the package's folder and asking the disk whether it is one took 0.1 ms).
    """
    return _loaded(_model_file_for(os.environ.get(ENV_PATH)))


def load_intent_model() -> None:
    """Read the model now (at start-up), so a missing or damaged file stops the start."""
    intent_model()
