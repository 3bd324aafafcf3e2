"""The committed intent model is the one the corpus trains: its fingerprint matches the
corpus, templates and feature code as they are, and retraining reproduces its weights.

After changing anything under understanding/corpus/ (or the features), run `make model`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from calendar_assistant.understanding.intent.model import model_file
from calendar_assistant.understanding.intent.train import fingerprint, train


def test_the_committed_model_was_trained_on_the_corpus_as_it_is() -> None:
    with np.load(model_file(), allow_pickle=False) as data:
        stored = str(data["fingerprint"])
    assert stored == fingerprint(), "the corpus changed since the model was trained: make model"


def test_retraining_reproduces_the_committed_model(tmp_path: Path) -> None:
    again = train(tmp_path / "again.npz")
    with np.load(model_file(), allow_pickle=False) as old, np.load(again) as new:
        assert list(old["features"]) == list(new["features"])
        assert list(old["labels"]) == list(new["labels"])
        assert float(old["temperature"]) == float(new["temperature"])
        np.testing.assert_allclose(old["weights"], new["weights"], atol=1e-4)
        np.testing.assert_allclose(old["intercept"], new["intercept"], atol=1e-4)
