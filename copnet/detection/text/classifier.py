"""Harmful-text classifier: Vietnamese first, English too.

    classifier = TextClassifier.load()
    result = classifier.classify("đừng nói với bố mẹ nhé")
    result.scores["grooming"], result.spans, result.suggested_category

Scores (0–1, `THRESHOLD` = 0.5 means "flagged"):

- ``offensive``, ``hate``: the statistical model trained on ViHSD (`model`, `train`);
- ``sexual``, ``grooming``, ``self_harm``, ``bullying``, ``scam_gambling``: the curated phrase
  patterns (`patterns`), or the model's score where a deployment trained it on such labels
  with ``--extra`` (the higher of the two).

Spans point into the ORIGINAL text: the phrases that fired a pattern, and, when offensive or hate
is flagged, the words of the ViHOS-derived lexicon (`lexicon`) that explain it.

Limits: the model reads the first `MAX_MODEL_CHARS` characters; the patterns read the whole text
in chunks of `CHUNK_CHARS` until `PATTERN_TIME_BUDGET` seconds have passed. When either limit
cut the text short, ``TextResult.truncated`` is true. At most `MAX_SPANS` spans are returned
(the first in the text). Lone surrogates and other broken Unicode are replaced, never fatal.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from copnet.detection.base import Explanation, SignalError

from .lexicon import Lexicon
from .model import LinearTextModel
from .normalise import Normalised, normalise
from .patterns import CATEGORIES, Hit, PatternSet, category_scores, is_accented

MODEL_DIR = Path(__file__).with_name("model")
SCORE_KEYS = ("offensive", "hate", *CATEGORIES)
THRESHOLD = 0.5
MAX_MODEL_CHARS = 20_000
CHUNK_CHARS = 20_000
CHUNK_OVERLAP = 200
PATTERN_TIME_BUDGET = 1.0  # seconds per text, for the patterns over a long text
MAX_SPANS = 500  # evidence spans kept per text, the first ones in the text

TAXONOMY = {
    "offensive": "cyberbullying",
    "hate": "cyberbullying",
    "bullying": "cyberbullying",
    "sexual": "pornography",
    "grooming": "grooming",
    "self_harm": "self_harm",
    "scam_gambling": "scam_gambling",
}
"""Score key -> COPNet harm category code (`taxonomy/reference/categories.json`)."""


@dataclass(frozen=True)
class Span:
    """Evidence: `original[start:end]` is `phrase`, and it counts towards `category`."""

    start: int
    end: int
    category: str
    phrase: str


@dataclass(frozen=True)
class TextResult:
    scores: dict[str, float]
    spans: list[Span] = field(default_factory=list)
    truncated: bool = False

    @property
    def flagged(self) -> list[str]:
        """Score keys at or above `THRESHOLD`, highest first."""
        keys = [key for key in SCORE_KEYS if self.scores.get(key, 0.0) >= THRESHOLD]
        return sorted(keys, key=lambda key: -self.scores[key])

    @property
    def top_category(self) -> str | None:
        flagged = self.flagged
        return flagged[0] if flagged else None

    @property
    def suggested_category(self) -> str | None:
        """A COPNet taxonomy code, or None when nothing is flagged. Grooming wins whenever it is
        flagged, and sexual content counts as grooming when any grooming phrase fired too;
        then self-harm (a child at risk); otherwise the top category's code."""
        flagged = self.flagged
        if not flagged:
            return None
        if "grooming" in flagged or ("sexual" in flagged and self.scores["grooming"] > 0):
            return "grooming"
        if "self_harm" in flagged:
            return "self_harm"
        return TAXONOMY[flagged[0]]

    def explanations(self) -> tuple[Explanation, ...]:
        """One `Explanation` per flagged score key, with its spans."""
        return tuple(
            Explanation(
                label=key,
                score=self.scores[key],
                spans=tuple((s.start, s.end, s.phrase) for s in self.spans if s.category == key),
            )
            for key in self.flagged
        )


class TextClassifier:
    def __init__(
        self,
        model: LinearTextModel | None,
        patterns: PatternSet,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.model = model
        self.patterns = patterns
        self.lexicon = lexicon

    @classmethod
    def load(cls, path: Path | str | None = None) -> TextClassifier:
        """The model in `path` (default: the shipped `model/` folder), with the shipped patterns
        and lexicon. Raises `model.ModelFormatError` when the model cannot be read."""
        model = LinearTextModel.load(Path(path) if path is not None else MODEL_DIR)
        return cls(model, PatternSet.load(), Lexicon.load())

    def classify(self, text: str) -> TextResult:
        return self.classify_many([text])[0]

    def classify_many(self, texts: Sequence[str]) -> list[TextResult]:
        _check_texts(texts)
        heads = [normalise(text[:MAX_MODEL_CHARS]) for text in texts]
        model_scores = self._model_scores(heads)
        return [
            self._result(text, head, scores)
            for text, head, scores in zip(texts, heads, model_scores, strict=True)
        ]

    def predict_vihsd(self, texts: Sequence[str]) -> list[int]:
        """The model's decision in ViHSD's labels (0 clean, 1 offensive, 2 hate), for evaluation;
        patterns play no part. Needs a model trained with those three classes."""
        if self.model is None:
            raise SignalError("no_model", "this classifier has no statistical model")
        _check_texts(texts)
        columns = [self.model.classes.index(name) for name in ("clean", "offensive", "hate")]
        heads = [normalise(text[:MAX_MODEL_CHARS]).text for text in texts]
        decisions = self.model.decision_function(heads)[:, columns]
        return [int(k) for k in decisions.argmax(axis=1)]

    def _model_scores(self, heads: list[Normalised]) -> list[dict[str, float]]:
        if self.model is None or not heads:
            return [{} for _ in heads]
        scores = self.model.scores(self.model.decision_function([h.text for h in heads]))
        classes = self.model.classes
        keep = [(k, name) for k, name in enumerate(classes) if name in SCORE_KEYS]
        return [{name: round(float(row[k]), 4) for k, name in keep} for row in scores]

    def _result(self, text: str, head: Normalised, model: dict[str, float]) -> TextResult:
        if not text.strip():
            return TextResult(scores=dict.fromkeys(SCORE_KEYS, 0.0))
        hits, complete = self._pattern_hits(text, head)
        pattern = category_scores([hit for _, hit in hits])
        scores = {key: max(model.get(key, 0.0), pattern.get(key, 0.0)) for key in SCORE_KEYS}
        spans = [Span(a, b, hit.pattern.category, text[a:b]) for (a, b), hit in hits]
        spans.extend(self._lexicon_spans(head, scores))
        unique = {(s.start, s.end, s.category): s for s in spans}
        ordered = sorted(unique.values(), key=lambda s: (s.start, s.end, s.category))
        return TextResult(
            scores=scores,
            spans=ordered[:MAX_SPANS],
            truncated=len(text) > MAX_MODEL_CHARS or not complete,
        )

    def _pattern_hits(
        self, text: str, head: Normalised
    ) -> tuple[list[tuple[tuple[int, int], Hit]], bool]:
        """Pattern hits with their spans in `text`, and whether the whole text was read."""
        if len(text) <= CHUNK_CHARS and len(text) <= MAX_MODEL_CHARS:
            return [(head.to_original(h.start, h.end), h) for h in self.patterns.find(head)], True
        deadline = time.monotonic() + PATTERN_TIME_BUDGET
        hits: list[tuple[tuple[int, int], Hit]] = []
        for begin, end in _chunks(text):
            if time.monotonic() > deadline:
                return hits, False
            chunk = normalise(text[begin : min(len(text), end + CHUNK_OVERLAP)])
            for hit in self.patterns.find(chunk, deadline):
                first, last = chunk.to_original(hit.start, hit.end)
                if first < end - begin:  # the overlap belongs to the next chunk
                    hits.append(((begin + first, begin + last), hit))
        return hits, time.monotonic() <= deadline

    def _lexicon_spans(self, head: Normalised, scores: dict[str, float]) -> list[Span]:
        category = "hate" if scores["hate"] >= scores["offensive"] else "offensive"
        if self.lexicon is None or scores[category] < THRESHOLD:
            return []
        found = self.lexicon.find(head, is_accented(head.original))
        spans = []
        for hit in found:
            start, end = head.to_original(hit.start, hit.end)
            spans.append(Span(start, end, category, head.original[start:end]))
        return spans


def _check_texts(texts: object) -> None:
    if isinstance(texts, str | bytes) or not isinstance(texts, Sequence):
        raise SignalError("not_text", "expected a sequence of strings")
    for text in texts:
        if not isinstance(text, str):
            raise SignalError("not_text", f"expected a str, got {type(text).__name__}")


def _chunks(text: str) -> list[tuple[int, int]]:
    """[begin, end) pieces of about `CHUNK_CHARS`, cut at whitespace where there is some."""
    pieces = []
    begin = 0
    while begin < len(text):
        end = min(len(text), begin + CHUNK_CHARS)
        if end < len(text):
            space = text.rfind(" ", begin + CHUNK_CHARS // 2, end)
            end = space + 1 if space > 0 else end
        pieces.append((begin, end))
        begin = end
    return pieces
