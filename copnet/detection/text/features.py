"""Feature extraction shared by training and inference: n-grams of the normalised text.

The model sees three blocks of TF-IDF features, each L2-normalised on its own:

- ``word``: word 1–3-grams of the normalised text (`normalise.fold`);
- ``char``: character 1–4-grams inside each word, padded with a space on both sides, so that
  "ngu" and "nguu" share "ngu" and word starts/ends are visible;
- ``plain``: word 1–3-grams of the same text without diacritics (missing accents are common).

Training fits the vocabulary and IDF weights with scikit-learn, passing these analysers; the
shipped model stores them, and `model.LinearTextModel` applies them with numpy alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .normalise import strip_accents

_WORD = re.compile(r"\w+")

Analyser = Callable[[str], list[str]]


def word_ngrams(text: str, max_n: int = 3) -> list[str]:
    words = _WORD.findall(text)
    grams = list(words)
    for size in range(2, max_n + 1):
        grams.extend(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return grams


def char_ngrams(text: str, min_n: int = 1, max_n: int = 4) -> list[str]:
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for size in range(min_n, min(max_n, length) + 1):
            grams.extend(padded[i : i + size] for i in range(length - size + 1))
    return grams


def plain_word_ngrams(text: str, max_n: int = 3) -> list[str]:
    return word_ngrams(strip_accents(text), max_n)


ANALYSERS: dict[str, Analyser] = {
    "word": word_ngrams,
    "char": char_ngrams,
    "plain": plain_word_ngrams,
}
"""Feature blocks by name, in the order of the model's feature columns."""
