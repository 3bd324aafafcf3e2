"""`calendar-assistant train-intents` / `make model`: the intent model from the corpus alone.

Deterministic: the corpus is read in file-name order, templates expand with a fixed seed,
the folds are shuffled with a fixed seed and the solver (lbfgs) has no randomness, so the
same data gives the same weights. The cross-validation runs on the hand-written part only
(templates join every training fold but are never scored), and its held-out scores set the
temperature that calibrates the probabilities.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from calendar_assistant.understanding.intent.corpus import LANGS, SEED, Example, corpus
from calendar_assistant.understanding.intent.features import features
from calendar_assistant.understanding.intent.labels import LABELS
from calendar_assistant.understanding.intent.model import model_file

#: Raise when the features or the training change, so a stale model is told apart.
TRAIN_VERSION = "1"
C = 8.0
MIN_DF = 2
FOLDS = 5
JOBS = 2
_ZONE = ZoneInfo("Europe/Moscow")
_NOW = datetime(2026, 1, 14, 12, 0, tzinfo=_ZONE)
_TEMPERATURES = tuple(round(0.4 + 0.05 * k, 2) for k in range(73))  # 0.4 … 4.0


def featurize(example: Example) -> list[str]:
    from calendar_assistant.understanding.parser import read_message

    msg = read_message(
        example.text, now=_NOW, tz=_ZONE, lang=example.lang, default_duration_minutes=60
    )
    from calendar_assistant.understanding.parser import _resize_cue
    from calendar_assistant.understanding.rules.intents import classify

    rule = _resize_cue(msg, classify(msg.tokens, msg.pieces, msg.cues)).intent.value
    return features(msg.tokens, msg.pieces, msg.lang, rule)


def fingerprint() -> str:
    """A hash of everything the model is made from: corpus files, templates, feature code."""
    digest = hashlib.sha256(TRAIN_VERSION.encode())
    root = resources.files("calendar_assistant.understanding")
    corpus_root = root.joinpath("corpus")
    for lang in LANGS:
        folder = corpus_root.joinpath("handwritten", lang)
        for file in sorted(
            (f for f in folder.iterdir() if f.name.endswith(".tsv")), key=lambda f: f.name
        ):
            digest.update(f"{lang}/{file.name}".encode())
            digest.update(file.read_bytes())
        digest.update(corpus_root.joinpath("templates", f"{lang}.toml").read_bytes())
    for part in ("features.py", "corpus.py", "train.py", "labels.py"):
        digest.update(root.joinpath("intent", part).read_bytes())
    for lang in LANGS:  # question openers and lemmas of cue lists feed the features
        digest.update(root.joinpath("rules", "data", f"{lang}.toml").read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Fitted:
    vocabulary: list[str]
    weights: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]


def _matrix(rows: Sequence[list[str]], index: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    data: list[float] = []
    cols: list[int] = []
    ptr = [0]
    for feats in rows:
        known = sorted({index[f] for f in feats if f in index})
        value = 1.0 / np.sqrt(len(known)) if known else 0.0
        cols += known
        data += [value] * len(known)
        ptr.append(len(cols))
    return csr_matrix((data, cols, ptr), shape=(len(rows), len(index)), dtype=np.float64)


def fit(rows: Sequence[list[str]], labels: Sequence[str]) -> Fitted:
    """Logistic regression over the features seen at least MIN_DF times."""
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for feats in rows:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_DF)
    index = {f: k for k, f in enumerate(vocabulary)}
    y = np.array([LABELS.index(label) for label in labels])
    model = LogisticRegression(C=C, solver="newton-cg", max_iter=500, tol=1e-4)
    model.fit(_matrix(rows, index), y)
    weights = np.zeros((len(vocabulary), len(LABELS)), dtype=np.float32)
    intercept = np.full(len(LABELS), -30.0, dtype=np.float32)  # a label with no examples
    for col, cls in enumerate(model.classes_):
        weights[:, cls] = model.coef_[col]
        intercept[cls] = model.intercept_[col]
    return Fitted(vocabulary, weights, intercept)


def logits(fitted: Fitted, rows: Sequence[list[str]]) -> npt.NDArray[np.float64]:
    index = {f: k for k, f in enumerate(fitted.vocabulary)}
    x = _matrix(rows, index)
    return np.asarray(x @ fitted.weights.astype(np.float64)) + fitted.intercept


@dataclass
class CrossValidation:
    """Held-out predictions for every hand-written example."""

    examples: list[Example]
    predicted: list[str]
    logits: npt.NDArray[np.float64]
    temperature: float = 1.0
    report: str = field(default="")


def cross_validate(
    handwritten: list[Example], templates: list[Example], rows: dict[str, list[str]]
) -> CrossValidation:
    from sklearn.model_selection import StratifiedKFold

    keys = [f"{e.lang}|{e.label}" for e in handwritten]
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED % (2**31))
    from joblib import Parallel, delayed

    out = np.zeros((len(handwritten), len(LABELS)))
    template_rows = [rows[_key(e)] for e in templates]
    template_labels = [e.label for e in templates]
    splits = list(folds.split(np.zeros(len(keys)), keys))
    # the folds are independent: two at a time (the machine's two cores), same result
    fitted_folds = Parallel(n_jobs=JOBS)(
        delayed(fit)(
            [rows[_key(handwritten[k])] for k in train_at] + template_rows,
            [handwritten[k].label for k in train_at] + template_labels,
        )
        for train_at, _ in splits
    )
    for (_, test_at), fitted in zip(splits, fitted_folds, strict=True):
        out[test_at] = logits(fitted, [rows[_key(handwritten[k])] for k in test_at])
    predicted = [LABELS[int(k)] for k in out.argmax(axis=1)]
    cv = CrossValidation(handwritten, predicted, out)
    cv.temperature = _temperature(out, [LABELS.index(e.label) for e in handwritten])
    cv.report = render_cv(cv)
    return cv


def _temperature(out: npt.NDArray[np.float64], truth: list[int]) -> float:
    """The temperature that makes the held-out probabilities most likely (least NLL)."""
    best, best_nll = 1.0, float("inf")
    for t in _TEMPERATURES:
        z = out / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -float(np.mean(logp[np.arange(len(truth)), truth]))
        if nll < best_nll - 1e-12:
            best, best_nll = t, nll
    return best


def render_cv(cv: CrossValidation) -> str:
    """Per language: accuracy, then recall and precision of each intent."""
    lines = [f"cross-validation on the hand-written corpus ({FOLDS}-fold, stratified)"]
    for lang in LANGS:
        pairs = [
            (e.label, p) for e, p in zip(cv.examples, cv.predicted, strict=True) if e.lang == lang
        ]
        if not pairs:
            continue
        right = sum(a == b for a, b in pairs)
        lines.append(f"[{lang}] examples={len(pairs)} accuracy={right / len(pairs):.3f}")
        for label in LABELS:
            n = sum(a == label for a, _ in pairs)
            said = sum(b == label for _, b in pairs)
            hit = sum(a == b == label for a, b in pairs)
            if not n and not said:
                continue
            recall = hit / n if n else 0.0
            precision = hit / said if said else 0.0
            lines.append(f"  {label:20} n={n:4} recall={recall:.3f} precision={precision:.3f}")
    lines.append(f"temperature={cv.temperature}")
    return "\n".join(lines)


def _key(example: Example) -> str:
    return f"{example.lang}\t{example.text}"


def train(out: Path | None = None, *, report: TextIO | None = None) -> Path:
    """Train on the whole corpus, write the model file, print the cross-validation."""
    examples = [e for lang in LANGS for e in corpus(lang)]
    rows = {_key(e): featurize(e) for e in examples}
    handwritten = [e for e in examples if e.source == "handwritten"]
    templates = [e for e in examples if e.source == "template"]
    cv = cross_validate(handwritten, templates, rows)
    fitted = fit([rows[_key(e)] for e in examples], [e.label for e in examples])
    path = out or model_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        lang: {
            "handwritten": sum(e.lang == lang for e in handwritten),
            "templates": sum(e.lang == lang for e in templates),
        }
        for lang in LANGS
    }
    np.savez_compressed(
        path,
        features=np.array(fitted.vocabulary, dtype=str),
        labels=np.array(LABELS, dtype=str),
        weights=fitted.weights,
        intercept=fitted.intercept,
        temperature=np.array(cv.temperature),
        fingerprint=np.array(fingerprint()),
        report=np.array(cv.report),
        summary=np.array(json.dumps(summary)),
    )
    if report is not None:
        report.write(f"corpus: {json.dumps(summary)}\n{cv.report}\n")
        report.write(f"features={len(fitted.vocabulary)} model written to {path}\n")
    return path
