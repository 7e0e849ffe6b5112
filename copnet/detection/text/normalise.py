"""Normalisation of social-media text, with a map back to offsets in the original.

`normalise(text)` runs these steps, in this order, each as a regular-expression rewrite that
keeps, for every character of its output, the span of the ORIGINAL text it came from:

1. lone surrogates become U+FFFD; zero-width and bidirectional control characters are dropped;
2. NFKC (NFC plus compatibility folding: full-width and "fancy" mathematical letters become
   plain letters), Cyrillic/Greek look-alikes become Latin letters, then lower case;
3. spacing tricks are undone: "s e x", "n.g.u", "đ.m", "f-u-c-k" become one word;
4. leet-speak inside words: 0→o 1→i 3→e 4→a 5→s 7→t @→a $→s ("ng0" → "ngo", "$ex" → "sex");
5. runs of three or more of the same letter or punctuation mark become one ("nguuuu" → "ngu");
6. teen-code and slang tokens are folded to their full form (`teencode.TEENCODE`).

`Normalised.plain` is the same text without Vietnamese diacritics (đ→d), character for
character, so both variants share one offset map. `fold(text)` returns only the normalised
text, without the offset bookkeeping, for the statistical model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .teencode import KEEP_BEFORE, SPACED_WORDS, TEENCODE

Repl = Callable[[re.Match[str]], str | None]

_SURROGATE = re.compile("[\ud800-\udfff]")
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+"
)
# Characters that NFKC may change: combining sequences and the compatibility blocks.
_COMPAT = re.compile(
    "[^\u0300-\u036f][\u0300-\u036f]+"
    "|[\u00a0\u00b2\u00b3\u00b9\u00bc-\u00be\u0130\u2000-\u200a\u2070-\u209f\u2100-\u214f"
    "\u2150-\u218f\u2460-\u24ff\u3000\ufb00-\ufb06\uff01-\uff5e\U0001d400-\U0001d7ff"
    "\U0001f100-\U0001f1ff]"
)
_LOOKALIKES = str.maketrans(
    "аеорсхуіјѕԁԛԝΑΒΕΗΙΚΜΝΟΡΤΧΥΖАВЕКМНОРСТХİ",
    "aeopcxyijsdqwABEHIKMNOPTXYZABEKMHOPCTXI",
)
_UNIT = r"(?:[^\W_]|[@$])"
_SPACED = re.compile(
    # s e x, n.g.u, f-u-c-k: single letters, the same separator between each
    rf"(?<![\w@$]){_UNIT}([ .\-_*+]{{1,2}}){_UNIT}(?:\1{_UNIT})+(?![\w@$])"
    # đ.m, ng.u, v-l: fragments of one or two letters (not "đ m", which is too common)
    rf"|(?<![\w@$]){_UNIT}{{1,2}}(?:[.\-_*+]{_UNIT}{{1,2}})+(?![\w@$])"
)
_SPACE_SEPARATORS = re.compile(r"[ .\-_*+]")
_MARKED_SEPARATOR = re.compile(r"[.\-_*+]")
_LEET_CHARS = "013457@$"
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_LEET_TOKEN = re.compile(r"[\w@$]*[013457@$][\w@$]*")
_DIGIT_RUN = re.compile(r"\d\d")
# "x" is left alone: "xxx" is a signal in itself. A run that is a word of its own keeps two.
_REPEATS = re.compile(r"([^\W\dx]|[^\w\s])\1{2,}")


def _teencode_regex() -> re.Pattern[str]:
    keys = sorted(TEENCODE, key=len, reverse=True)
    alternatives = "|".join(re.escape(key) for key in keys)
    # The optional look-ahead captures the next word for `KEEP_BEFORE` without consuming it.
    # Not after an apostrophe: the "t" of "don't" and the "m" of "i'm" are not teen-code.
    return re.compile(rf"(?<![\w'’])(?:{alternatives})(?!\w)(?:(?=\s+(\w+)))?")


_TEENCODE = _teencode_regex()


def _strip_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    ranges = (range(0x00C0, 0x0250), range(0x1E00, 0x1F00))
    for code in (point for block in ranges for point in block):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    return table


_STRIP = _strip_table()


def strip_accents(text: str) -> str:
    """Remove Vietnamese (and other Latin) diacritics, one character for one: "đường" → "duong"."""
    return text.translate(_STRIP)


@dataclass(frozen=True)
class Normalised:
    """A normalised text and, per character, the span of the original it came from."""

    original: str
    text: str
    plain: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text behind `text[start:end]` (end exclusive)."""
        if not self.text or start >= end:
            return (0, 0)
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return (self.starts[start], self.ends[end - 1])


class _Buffer:
    """Text plus optional per-character original spans; `sub` rewrites both together."""

    def __init__(self, text: str, track: bool) -> None:
        self.text = text
        self.starts: list[int] | None = list(range(len(text))) if track else None
        self.ends: list[int] | None = list(range(1, len(text) + 1)) if track else None

    def sub(self, pattern: re.Pattern[str], repl: Repl) -> None:
        text = self.text
        pieces: list[str] = []
        starts, ends = self.starts, self.ends
        new_starts: list[int] = []
        new_ends: list[int] = []
        pos = 0
        for match in pattern.finditer(text):
            replacement = repl(match)
            if replacement is None:
                continue
            begin, finish = match.span()
            pieces.append(text[pos:begin])
            pieces.append(replacement)
            if starts is not None and ends is not None:
                new_starts.extend(starts[pos:begin])
                new_ends.extend(ends[pos:begin])
                count = len(replacement)
                new_starts.extend([starts[begin]] * count)
                new_ends.extend([ends[finish - 1]] * count)
            pos = finish
        if pos == 0:
            return
        pieces.append(text[pos:])
        self.text = "".join(pieces)
        if starts is not None and ends is not None:
            new_starts.extend(starts[pos:])
            new_ends.extend(ends[pos:])
            self.starts, self.ends = new_starts, new_ends


def _compat(match: re.Match[str]) -> str | None:
    folded = unicodedata.normalize("NFKC", match.group()).translate(_LOOKALIKES).lower()
    return folded if folded != match.group() else None


def _lower_char(match: re.Match[str]) -> str | None:
    char = match.group()
    lowered = char.lower()
    return lowered if lowered != char else None


def _unspace(match: re.Match[str]) -> str | None:
    spaced = match.group()
    joined = _SPACE_SEPARATORS.sub("", spaced)
    if sum(char.isalpha() for char in joined) < 2:
        return None  # "5.5", "1 2 3": numbers, not a hidden word
    if _MARKED_SEPARATOR.search(spaced):
        if all(len(part) > 1 for part in _SPACE_SEPARATORS.split(spaced) if part):
            return None  # "wi-fi", "tp.hcm": ordinary abbreviations
        return joined
    if joined in SPACED_WORDS or _plausible_spacing(joined):
        return joined
    # "f u c k u": the chain as a whole is not a word, but it starts with one.
    units = spaced.split()
    for count in range(len(units) - 1, 2, -1):
        head = "".join(units[:count])
        if head in SPACED_WORDS:
            return head + " " + " ".join(units[count:])
    return None


def _plausible_spacing(joined: str) -> bool:
    # Only spaces: "m k j" is teen-code ("mày không gì") and "ừ à ờ" interjections, while
    # "s e x" and "n g u" hide a word. Single-letter teen-code words and accented vowels are
    # what tell them apart.
    if sum(char in TEENCODE for char in joined) > 1:
        return False
    return all(char == "đ" or strip_accents(char) == char for char in joined)


def _unleet(match: re.Match[str]) -> str | None:
    token = match.group()
    letters = sum(char.isalpha() for char in token)
    if letters == 0 or _DIGIT_RUN.search(token):
        return None  # "2024", "covid19"
    if letters == 1 and not token[0].isalpha():
        return None  # "5k", "4g", "7h": a number and a unit
    head, tail = ("@", token[1:]) if token.startswith("@") else ("", token)  # "@name" mentions
    folded = head + tail.translate(_LEET)
    return folded if folded != token else None


def _unrepeat(match: re.Match[str]) -> str:
    char = match.group(1)
    text, begin, finish = match.string, match.start(), match.end()
    alone = (begin == 0 or not text[begin - 1].isalnum()) and (
        finish == len(text) or not text[finish].isalnum()
    )
    # "kkk" (laughter) and "mmm" must not become the teen-code words "k" and "m".
    return char * 2 if alone and char.isalpha() else char


def _unteen(match: re.Match[str]) -> str | None:
    token = match.group()
    if match.group(1) in KEEP_BEFORE.get(token, ()):
        return None
    expansion = TEENCODE[token]
    return expansion if expansion != token else None


def _run(text: str, track: bool) -> _Buffer:
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    buffer = _Buffer(_SURROGATE.sub("\ufffd", text), track)
    buffer.sub(_INVISIBLE, lambda _match: "")
    if not buffer.text.isascii():
        if not unicodedata.is_normalized("NFKC", buffer.text):
            buffer.sub(_COMPAT, _compat)
        buffer.text = buffer.text.translate(_LOOKALIKES)
    lowered = buffer.text.lower()
    if len(lowered) == len(buffer.text):
        buffer.text = lowered
    else:
        buffer.sub(re.compile(r"[^\x00-\x7f]"), _lower_char)
        buffer.text = buffer.text.lower()
    buffer.sub(_SPACED, _unspace)
    if any(char in buffer.text for char in _LEET_CHARS):
        buffer.sub(_LEET_TOKEN, _unleet)
    buffer.sub(_REPEATS, _unrepeat)
    buffer.sub(_TEENCODE, _unteen)
    return buffer


def normalise(text: str) -> Normalised:
    """Normalise `text` for matching and keep the map back to the original (see module doc)."""
    buffer = _run(text, track=True)
    return Normalised(
        original=text,
        text=buffer.text,
        plain=strip_accents(buffer.text),
        starts=tuple(buffer.starts or ()),
        ends=tuple(buffer.ends or ()),
    )


def fold(text: str) -> str:
    """The `text` of `normalise(text)`, without the offset map (faster, for the model)."""
    return _run(text, track=False).text
