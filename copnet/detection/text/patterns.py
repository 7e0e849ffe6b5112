"""Curated, explainable phrase patterns per child-safety category (`patterns.tsv`).

Each line of the data file is ``category<TAB>weight<TAB>pattern``; ``#`` starts a comment.
Patterns are written against the NORMALISED text (`normalise`): lower case, teen-code expanded
("ib" is written "nhắn tin", "zl" is "zalo", "m" is "mày"). Syntax:

- a space matches one or more non-word characters (spaces, punctuation);
- ``~N`` (a word of its own) allows up to N other words in between;
- ``(a|b)`` alternatives, ``?`` makes the previous group or character optional;
- ``*`` at the end of a word lets the word go on ("suicid*" matches "suicidal").

A pattern matches whole words only. Accents: a text whose author writes with diacritics is
matched as written ("mày ngủ" is not "mày ngu"); a text written without them (fewer than
`ACCENTED_SHARE` of its words carry a diacritic) is matched against the patterns with their
diacritics removed, so "dung noi voi ai" matches "đừng nói với ai".

A category's score is ``1 - prod(1 - weight)`` over the distinct patterns that fired, so one
strong phrase (weight >= 0.5) flags a text and weak ones (e.g. "nhắn tin riêng") only add up.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .normalise import Normalised, strip_accents

CATEGORIES = ("sexual", "grooming", "self_harm", "bullying", "scam_gambling")
DATA_FILE = Path(__file__).with_name("patterns.tsv")
ACCENTED_SHARE = 0.15
_WORDS = re.compile(r"[^\W\d_]+")
_GAP = re.compile(r" ~(\d) ")


@dataclass(frozen=True)
class Pattern:
    id: str  # "category:line"
    category: str
    weight: float
    source: str


@dataclass(frozen=True)
class Hit:
    """A pattern that fired: where in the normalised text, and which pattern."""

    pattern: Pattern
    start: int
    end: int


def to_regex(source: str) -> str:
    """Translate the pattern syntax (see the module doc) into a regular expression."""
    out: list[str] = []
    text = _GAP.sub(lambda match: f"\x00{match.group(1)}", source.strip())
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\x00":
            index += 1
            out.append(rf"(?:\W+\w+){{0,{text[index]}}}\W+")
        elif char == " ":
            out.append(r"\W+")
        elif char == "(":
            out.append("(?:")
        elif char in ")|?":
            out.append(char)
        elif char == "*":
            out.append(r"\w*")
        elif char == "\\" and index + 1 < len(text):
            index += 1
            out.append("\\" + text[index])
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


class PatternSet:
    """All patterns, compiled into one regular expression per category and accent mode."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self._exact: dict[str, re.Pattern[str]] = {}
        self._plain: dict[str, re.Pattern[str]] = {}
        self._by_group: dict[str, Pattern] = {}
        for category in CATEGORIES:
            members = [p for p in patterns if p.category == category]
            if not members:
                continue
            exact, plain = [], []
            for number, pattern in enumerate(members):
                group = f"{category}_{number}"
                self._by_group[group] = pattern
                regex = to_regex(pattern.source)
                exact.append(f"(?P<{group}>{regex})")
                plain.append(f"(?P<{group}>{strip_accents(regex)})")
            self._exact[category] = re.compile(rf"(?<!\w)(?:{'|'.join(exact)})(?!\w)")
            self._plain[category] = re.compile(rf"(?<!\w)(?:{'|'.join(plain)})(?!\w)")

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> PatternSet:
        patterns = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            category, weight, source = (part.strip() for part in line.split("\t"))
            if category not in CATEGORIES:
                raise ValueError(f"{path.name}:{number}: unknown category {category!r}")
            value = float(weight)
            if not 0.0 < value < 1.0:
                raise ValueError(f"{path.name}:{number}: weight must be between 0 and 1")
            patterns.append(Pattern(f"{category}:{number}", category, value, source.lower()))
        return cls(patterns)

    def find(self, normalised: Normalised, deadline: float | None = None) -> Iterator[Hit]:
        """Every pattern match in `normalised`; stops between categories after `deadline`
        (a `time.monotonic()` value)."""
        accented = is_accented(normalised.original)
        regexes = self._exact if accented else self._plain
        subject = normalised.text if accented else normalised.plain
        for category in CATEGORIES:
            if deadline is not None and time.monotonic() > deadline:
                return
            regex = regexes.get(category)
            if regex is None:
                continue
            for match in regex.finditer(subject):
                group = match.lastgroup
                if group is not None:
                    yield Hit(self._by_group[group], match.start(), match.end())


def is_accented(original: str) -> bool:
    """Whether the author writes with diacritics (see the module doc)."""
    words = _WORDS.findall(original)
    if not words:
        return True
    marked = sum(1 for word in words if strip_accents(word) != word)
    return marked >= ACCENTED_SHARE * len(words)


def category_scores(hits: list[Hit]) -> dict[str, float]:
    """Noisy-OR of the weights of the distinct patterns that fired, per category."""
    fired: dict[str, Pattern] = {hit.pattern.id: hit.pattern for hit in hits}
    remaining = dict.fromkeys(CATEGORIES, 1.0)
    for pattern in fired.values():
        remaining[pattern.category] *= 1.0 - pattern.weight
    return {category: round(1.0 - rest, 4) for category, rest in remaining.items()}
