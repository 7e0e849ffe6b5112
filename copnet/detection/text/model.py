"""The statistical model: TF-IDF blocks and a linear classifier, applied with numpy alone.

The artefact is two files in one directory, neither of which can run code when loaded:

- ``model.json``: classes, feature blocks, per-class decision biases and score slopes, metrics;
- ``model.npz`` (loaded with ``allow_pickle=False``): for each block its vocabulary (UTF-8,
  one term per line, in column order) and IDF weights, then the coefficients (float16,
  features x classes) and intercepts.

Decision: ``z = X @ coef + intercept + bias``; the predicted class is ``argmax(z)``. Score of
class c: ``sigmoid(slope_c * (z_c - max_{k != c} z_k))``, so a score of 0.5 or more means that c
is the model's decision, and the slope (fitted on cross-validated decisions) makes the score a
rough probability.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .features import ANALYSERS, Analyser

FORMAT = "copnet-text-linear/1"
JSON_NAME = "model.json"
NPZ_NAME = "model.npz"


class ModelFormatError(ValueError):
    """The artefact is missing, of another format, or inconsistent."""


@dataclass(frozen=True)
class Block:
    name: str
    vocabulary: dict[str, int]  # term -> column inside the block
    idf: np.ndarray
    offset: int  # first column of the block in `coef`
    # char n-grams never cross a word boundary, so each word's known columns can be cached
    word_columns: dict[str, Counter[int]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def analyser(self) -> Analyser:
        return ANALYSERS[self.name]


@dataclass(frozen=True)
class LinearTextModel:
    classes: tuple[str, ...]
    blocks: tuple[Block, ...]
    coef: np.ndarray  # (n_features, n_classes) float32
    intercept: np.ndarray  # (n_classes,)
    bias: np.ndarray  # (n_classes,) decision thresholds tuned for macro-F1
    slope: np.ndarray  # (n_classes,) score scale
    meta: dict[str, Any]

    # --- inference -------------------------------------------------------------------------

    def decision_function(self, folded: Sequence[str]) -> np.ndarray:
        """Biased decision values, (len(folded), n_classes), for already normalised texts."""
        count = len(folded)
        out = np.tile(self.intercept + self.bias, (count, 1)).astype(np.float64)
        if count == 0:
            return out
        for block in self.blocks:
            rows, columns, values = _tf(block, folded)
            if not columns:
                continue
            row = np.asarray(rows, dtype=np.intp)
            column = np.asarray(columns, dtype=np.intp)
            value = np.asarray(values, dtype=np.float64) * block.idf[column]
            norms = np.sqrt(np.bincount(row, weights=value * value, minlength=count))
            value /= norms[row]
            weights = self.coef[column + block.offset]
            for k in range(len(self.classes)):
                out[:, k] += np.bincount(row, weights=value * weights[:, k], minlength=count)
        return out

    def scores(self, decisions: np.ndarray) -> np.ndarray:
        """Scores 0–1 per class from `decision_function` values (see the module doc)."""
        if decisions.shape[1] < 2:
            return np.ones_like(decisions)
        top2 = np.sort(decisions, axis=1)[:, -2:]
        best, second = top2[:, 1:2], top2[:, 0:1]
        rival = np.where(decisions >= best, second, best)
        margin = (decisions - rival) * self.slope
        result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(margin, -50.0, 50.0)))
        return result

    # --- storage -----------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept.astype(np.float64),
        }
        for block in self.blocks:
            terms = sorted(block.vocabulary, key=block.vocabulary.__getitem__)
            arrays[f"vocab_{block.name}"] = np.frombuffer(
                "\n".join(terms).encode("utf-8"), dtype=np.uint8
            )
            arrays[f"idf_{block.name}"] = block.idf.astype(np.float32)
        np.savez_compressed(directory / NPZ_NAME, allow_pickle=False, **arrays)
        header = {
            "format": FORMAT,
            "classes": list(self.classes),
            "blocks": [block.name for block in self.blocks],
            "bias": [round(float(b), 6) for b in self.bias],
            "slope": [round(float(s), 6) for s in self.slope],
            **self.meta,
        }
        text = json.dumps(header, ensure_ascii=False, indent=2) + "\n"
        (directory / JSON_NAME).write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LinearTextModel:
        try:
            header = json.loads((directory / JSON_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelFormatError(f"cannot read the text model in {directory}: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ModelFormatError(f"unknown text model format in {directory}")
        try:
            with np.load(directory / NPZ_NAME, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            return cls._from_parts(header, arrays)
        except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
            raise ModelFormatError(f"cannot read the text model in {directory}: {exc}") from exc

    @classmethod
    def _from_parts(cls, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> LinearTextModel:
        blocks = []
        offset = 0
        for name in header["blocks"]:
            if name not in ANALYSERS:
                raise ModelFormatError(f"unknown feature block {name!r}")
            raw = arrays[f"vocab_{name}"].tobytes().decode("utf-8")
            terms = raw.split("\n") if raw else []
            idf = arrays[f"idf_{name}"].astype(np.float64)
            if len(terms) != len(idf):
                raise ModelFormatError(f"block {name!r}: {len(terms)} terms, {len(idf)} weights")
            vocabulary = {term: i for i, term in enumerate(terms)}
            blocks.append(Block(name=name, vocabulary=vocabulary, idf=idf, offset=offset))
            offset += len(terms)
        coef = arrays["coef"].astype(np.float32)
        classes = tuple(header["classes"])
        if coef.shape != (offset, len(classes)):
            raise ModelFormatError(f"coefficients {coef.shape} != ({offset}, {len(classes)})")
        meta = {k: v for k, v in header.items() if k not in {"format", "classes", "blocks"}}
        meta.pop("bias")
        meta.pop("slope")
        return cls(
            classes=classes,
            blocks=tuple(blocks),
            coef=coef,
            intercept=arrays["intercept"].astype(np.float64),
            bias=np.asarray(header["bias"], dtype=np.float64),
            slope=np.asarray(header["slope"], dtype=np.float64),
            meta=meta,
        )


def _tf(block: Block, folded: Sequence[str]) -> tuple[list[int], list[int], list[float]]:
    """Sub-linear term frequencies (1 + log count) of the block's known terms, row by row."""
    vocabulary = block.vocabulary
    analyser = block.analyser
    log = math.log
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, text in enumerate(folded):
        if block.name == "char":
            counts = _char_counts(block, text)
        else:
            counts = Counter(
                column for term in analyser(text) if (column := vocabulary.get(term)) is not None
            )
        for column, count in counts.items():
            rows.append(row)
            columns.append(column)
            values.append(1.0 + log(count))
    return rows, columns, values


WORD_CACHE_LIMIT = 200_000


def _char_counts(block: Block, text: str) -> Counter[int]:
    """Known char n-gram columns of `text`, summed from a per-word cache (the same counts as
    analysing the whole text, at a fraction of the cost: words repeat across texts)."""
    cache = block.word_columns
    vocabulary = block.vocabulary
    analyser = block.analyser
    counts: Counter[int] = Counter()
    for word in text.split():
        known = cache.get(word)
        if known is None:
            known = Counter(
                column for term in analyser(word) if (column := vocabulary.get(term)) is not None
            )
            if len(cache) < WORD_CACHE_LIMIT:
                cache[word] = known
        counts.update(known)
    return counts
