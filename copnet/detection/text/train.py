"""Train the offensive/hate model (and any child-safety classes given with --extra).

    .venv/bin/python -m copnet.detection.text.train --vihsd /work/shared/data/vihsd \\
        [--extra labelled.csv] --out copnet/detection/text/model/

Needs scikit-learn (training only; the classifier itself needs numpy alone). Steps:

1. texts are normalised (`normalise.fold`); three TF-IDF blocks are fitted (`features`);
2. for each C in `C_GRID`, a LinearSVC is cross-validated on the training data (5 stratified
   folds, identical normalised texts kept in one fold, repeated `REPEATS` times with different
   shufflings); per-class decision biases are tuned on the out-of-fold decisions to maximise
   macro-F1, and the C with the best tuned out-of-fold macro-F1 is kept (the smaller C on a
   tie within `TIE`). The dev split is not
   used for any choice;
3. the final model is fitted on all training data; score slopes are fitted on the out-of-fold
   margins; the artefact is written and evaluated on ViHSD dev through the numpy inference path.

The last line printed is a JSON object with the cross-validation and dev metrics.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .features import ANALYSERS
from .model import Block, LinearTextModel
from .normalise import fold

VIHSD_CLASSES = ("clean", "offensive", "hate")
SAFETY_CLASSES = ("sexual", "grooming", "self_harm", "bullying", "scam_gambling")
C_GRID = (0.05, 0.1, 0.2)
FOLDS = 5
REPEATS = 3
TIE = 0.002
MIN_DF = 2
BIAS_GRID = np.round(np.linspace(-2.0, 2.0, 81), 3)
SEED = 0


@dataclass
class Dataset:
    texts: list[str]
    labels: np.ndarray


def read_vihsd(path: Path) -> Dataset:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            texts.append(row["free_text"] or "")
            labels.append(int(row["label_id"]))
    return Dataset(texts, np.asarray(labels, dtype=np.int64))


def read_extra(path: Path, classes: list[str]) -> Dataset:
    """Rows `text,label`; a label is a class name (clean, offensive, hate or a child-safety
    category) or a ViHSD number 0/1/2. New child-safety classes are appended to `classes`.
    Every training run needs examples of clean, offensive and hate (three classes at least)."""
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            label = (row.get("label") or "").strip().lower()
            if label.isdigit() and int(label) < len(VIHSD_CLASSES):
                label = VIHSD_CLASSES[int(label)]
            if label not in VIHSD_CLASSES + SAFETY_CLASSES:
                raise SystemExit(f"{path}:{number}: unknown label {label!r}")
            if label not in classes:
                classes.append(label)
            texts.append(row.get("text") or "")
            labels.append(classes.index(label))
    return Dataset(texts, np.asarray(labels, dtype=np.int64))


def macro_f1(truth: np.ndarray, predicted: np.ndarray, n_classes: int) -> float:
    confusion = np.bincount(truth * n_classes + predicted, minlength=n_classes**2).reshape(
        n_classes, n_classes
    )
    tp = np.diag(confusion).astype(float)
    denominator = confusion.sum(0) + confusion.sum(1)
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    present = confusion.sum(1) > 0
    return float(f1[present].mean())


def tune_bias(decisions: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-class additive biases (class 0 fixed at 0) maximising macro-F1, by coordinate ascent."""
    n_classes = decisions.shape[1]
    bias = np.zeros(n_classes)
    best = macro_f1(truth, decisions.argmax(1), n_classes)
    for _ in range(3):
        improved = False
        for k in range(1, n_classes):
            for value in BIAS_GRID:
                trial = bias.copy()
                trial[k] = value
                score = macro_f1(truth, (decisions + trial).argmax(1), n_classes)
                if score > best + 1e-9:
                    best, bias, improved = score, trial, True
        if not improved:
            break
    return bias, best


def per_class(truth: np.ndarray, predicted: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    report = {}
    for k, name in enumerate(classes):
        tp = int(((predicted == k) & (truth == k)).sum())
        predicted_k = int((predicted == k).sum())
        support = int((truth == k).sum())
        precision = tp / predicted_k if predicted_k else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[name] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    return report


def train(train: Dataset, classes: list[str], log: Any = sys.stderr) -> LinearTextModel:
    # scikit-learn is imported here: only training needs it.
    from scipy.sparse import hstack
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
    from sklearn.svm import LinearSVC

    started = time.perf_counter()
    folded = [fold(text) for text in train.texts]
    vectorisers = [
        (name, TfidfVectorizer(analyzer=ANALYSERS[name], sublinear_tf=True, min_df=MIN_DF))
        for name in ANALYSERS
    ]
    matrix = hstack([vectoriser.fit_transform(folded) for _, vectoriser in vectorisers]).tocsr()
    print(f"features: {matrix.shape[1]} ({time.perf_counter() - started:.0f} s)", file=log)

    n_classes = len(classes)
    min_count = int(np.bincount(train.labels, minlength=n_classes).min())
    # Duplicates (about 13 % of ViHSD train) stay in one fold, or CV would flatter the model.
    groups = np.unique(np.asarray(folded, dtype=object), return_inverse=True)[1]
    n_folds = min(FOLDS, max(2, min_count))

    def svc(c: float) -> LinearSVC:
        return LinearSVC(C=c, max_iter=20_000, random_state=SEED)

    cv: dict[str, Any] = {}
    best: tuple[float, float, np.ndarray, np.ndarray] | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for c in C_GRID:
            # Biases are tuned on the out-of-fold decisions of REPEATS shufflings at once:
            # one shuffling alone moves them by ±0.05 and dev macro-F1 by ±0.005.
            runs = [
                cross_val_predict(
                    svc(c),
                    matrix,
                    train.labels,
                    groups=groups,
                    cv=StratifiedGroupKFold(n_folds, shuffle=True, random_state=SEED + repeat),
                    method="decision_function",
                )
                for repeat in range(REPEATS)
            ]
            oof = np.concatenate(runs)
            labels = np.tile(train.labels, REPEATS)
            bias, score = tune_bias(oof, labels)
            raw = macro_f1(labels, oof.argmax(1), n_classes)
            cv[str(c)] = {"macro_f1_raw": round(raw, 4), "macro_f1_tuned": round(score, 4)}
            print(f"C={c}: cv macro-F1 {raw:.4f} raw, {score:.4f} with biases", file=log)
            # C_GRID is in increasing order: a larger C must beat the best so far by more than
            # TIE, the noise between shufflings, or the stronger regularisation is kept.
            if best is None or score > best[0] + TIE:
                best = (score, c, bias, oof)
        if best is None:
            raise ValueError("C_GRID is empty")
        score, c, bias, oof = best
        final = svc(c).fit(matrix, train.labels)
        slope = _slopes(oof + bias, np.tile(train.labels, REPEATS), LogisticRegression)

    coef = np.asarray(final.coef_, dtype=np.float64).T
    intercept = np.asarray(final.intercept_, dtype=np.float64)
    blocks, offset = [], 0
    for name, vectoriser in vectorisers:
        vocabulary = {term: int(i) for term, i in vectoriser.vocabulary_.items()}
        blocks.append(Block(name, vocabulary, np.asarray(vectoriser.idf_), offset))
        offset += len(vocabulary)
    import sklearn

    meta = {
        "algorithm": "TF-IDF (word 1-3, char 1-4, plain word 1-3) + LinearSVC, biased argmax",
        "C": c,
        "min_df": MIN_DF,
        "cv": {"folds": n_folds, "repeats": REPEATS, "by_C": cv, "macro_f1": round(score, 4)},
        "n_train": len(folded),
        "n_features": int(offset),
        "sklearn": sklearn.__version__,
    }
    print(f"trained in {time.perf_counter() - started:.0f} s", file=log)
    return LinearTextModel(
        classes=tuple(classes),
        blocks=tuple(blocks),
        coef=coef.astype(np.float32),
        intercept=intercept,
        bias=bias,
        slope=slope,
        meta=meta,
    )


def _slopes(biased: np.ndarray, labels: np.ndarray, logistic: Any) -> np.ndarray:
    """Per class, the scale that turns the margin over the best rival into a probability."""
    slope = np.ones(biased.shape[1])
    for k in range(biased.shape[1]):
        others = np.delete(biased, k, axis=1).max(1)
        margin = (biased[:, k] - others)[:, None]
        fitted = logistic(fit_intercept=False, C=1e4).fit(margin, labels == k)
        slope[k] = max(float(fitted.coef_[0, 0]), 0.1)
    return slope


def evaluate(model: LinearTextModel, dev: Dataset) -> dict[str, Any]:
    """ViHSD metrics: the decision among clean/offensive/hate only."""
    started = time.perf_counter()
    decisions = model.decision_function([fold(text) for text in dev.texts])
    seconds = time.perf_counter() - started
    columns = [model.classes.index(name) for name in VIHSD_CLASSES]
    predicted = decisions[:, columns].argmax(1)
    return {
        "macro_f1": round(macro_f1(dev.labels, predicted, len(VIHSD_CLASSES)), 4),
        "accuracy": round(float((predicted == dev.labels).mean()), 4),
        "per_class": per_class(dev.labels, predicted, VIHSD_CLASSES),
        "n": len(dev.texts),
        "texts_per_second": round(len(dev.texts) / seconds) if seconds else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vihsd", type=Path, help="folder with ViHSD train.csv and dev.csv")
    parser.add_argument("--extra", type=Path, action="append", default=[], help="text,label CSV")
    parser.add_argument("--out", type=Path, required=True, help="folder for the model files")
    args = parser.parse_args(argv)
    if args.vihsd is None and not args.extra:
        parser.error("give --vihsd, --extra, or both")

    classes = list(VIHSD_CLASSES)
    parts: list[Dataset] = []
    sources = []
    if args.vihsd is not None:
        parts.append(read_vihsd(args.vihsd / "train.csv"))
        sources.append("ViHSD train (Luu et al. 2021), research use only")
    for extra in args.extra:
        parts.append(read_extra(extra, classes))
        sources.append(f"extra: {extra.name}")
    data = Dataset(
        [text for part in parts for text in part.texts],
        np.concatenate([part.labels for part in parts]),
    )
    present = set(np.unique(data.labels).tolist())
    if present != set(range(len(classes))):
        missing = [name for k, name in enumerate(classes) if k not in present]
        parser.error(f"no training examples for: {', '.join(missing)}")

    model = train(data, classes)
    results: dict[str, Any] = {"classes": classes, "cv": model.meta["cv"]}
    dev_path = args.vihsd / "dev.csv" if args.vihsd is not None else None
    if dev_path is not None and dev_path.exists():
        results["dev"] = evaluate(model, read_vihsd(dev_path))
    model.meta["trained_on"] = sources
    model.meta["dev"] = {k: v for k, v in results.get("dev", {}).items() if k != "texts_per_second"}
    model.save(args.out)
    # Metrics of the artefact as shipped (float16 coefficients), not of the in-memory model.
    if dev_path is not None and dev_path.exists():
        shipped = evaluate(LinearTextModel.load(args.out), read_vihsd(dev_path))
        results["dev_shipped_macro_f1"] = shipped["macro_f1"]
    results["size_bytes"] = sum(path.stat().st_size for path in args.out.glob("model.*"))
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
