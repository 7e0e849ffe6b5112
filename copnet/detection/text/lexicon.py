"""The offensive-span lexicon: words and short phrases that mark hateful or offensive spans.

It explains the model's offensive/hate scores to an analyst (which words made the comment
offensive); it does not change any score. `lexicon.tsv` is derived from the ViHOS training split
(Hoang et al., EACL 2023, MIT licence) by this module's CLI, and holds only the derived terms
(``term<TAB>precision<TAB>count``), never the comments:

    .venv/bin/python -m copnet.detection.text.lexicon --vihos /work/shared/data/vihos \\
        --out copnet/detection/text/lexicon.tsv

A term is a normalised word 1–3-gram; `count` is how often it lies wholly inside an annotated
span, `precision` the share of its occurrences that do. Terms seen at least `MIN_COUNT` times
with precision at least `MIN_PRECISION` are kept.
"""

from __future__ import annotations

import argparse
import ast
import csv
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .normalise import Normalised, normalise, strip_accents

DATA_FILE = Path(__file__).with_name("lexicon.tsv")
MAX_N = 3
MIN_COUNT = 3
MIN_PRECISION = 0.7
# Pronouns and kinship words lie inside many annotated spans ("mày", "nó") but are no evidence
# on their own; they are kept only as part of a longer term ("mẹ mày").
NOT_ALONE = frozenset(
    {
        "nó",
        "no",
        "mày",
        "may",
        "tao",
        "tau",
        "mẹ",
        "me",
        "má",
        "ma",
        "bọn",
        "tụi",
        "lũ",
        "thằng",
        "con",
        "chúng",
        "bây",
        "mi",
        "nè",
        "ni",
        "này",
    }
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LexiconHit:
    start: int  # in the normalised text
    end: int
    term: str
    precision: float


def _ngrams(normalised: Normalised) -> Iterator[tuple[int, int, str]]:
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(normalised.text)]
    for size in range(MAX_N, 0, -1):
        for i in range(len(words) - size + 1):
            chunk = words[i : i + size]
            yield chunk[0][0], chunk[-1][1], " ".join(word for _, _, word in chunk)


class Lexicon:
    def __init__(self, terms: dict[str, float]) -> None:
        self.exact = terms
        self.plain: dict[str, float] = {}
        for term, precision in terms.items():
            key = strip_accents(term)
            self.plain[key] = max(precision, self.plain.get(key, 0.0))

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> Lexicon:
        terms: dict[str, float] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            term, precision, _count = line.split("\t")
            terms[term] = float(precision)
        return cls(terms)

    def find(self, normalised: Normalised, accented: bool) -> list[LexiconHit]:
        """Longest terms first, without overlaps; `accented` as in `patterns.is_accented`."""
        hits: list[LexiconHit] = []
        taken: set[int] = set()
        for start, end, gram in _ngrams(normalised):
            precision = self.exact.get(gram) if accented else self.plain.get(strip_accents(gram))
            if precision is None or any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            hits.append(LexiconHit(start, end, gram, precision))
        return sorted(hits, key=lambda hit: hit.start)


def build(rows: Sequence[tuple[str, set[int]]]) -> list[tuple[str, float, int]]:
    inside: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for content, offsets in rows:
        normalised = normalise(content)
        for start, end, gram in _ngrams(normalised):
            total[gram] += 1
            first, last = normalised.to_original(start, end)
            # Teen-code folding may widen a word's original span; count the word as inside
            # when every letter of its original text is annotated.
            letters = [i for i in range(first, last) if not content[i].isspace()]
            if letters and all(i in offsets for i in letters):
                inside[gram] += 1
    kept = []
    for gram, count in inside.items():
        precision = count / total[gram]
        if len(gram) < 2 or all(word in NOT_ALONE for word in gram.split()):
            continue
        if count >= MIN_COUNT and precision >= MIN_PRECISION:
            kept.append((gram, round(precision, 3), count))
    return sorted(kept, key=lambda item: (-item[2], item[0]))


def read_vihos(path: Path) -> list[tuple[str, set[int]]]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            offsets = ast.literal_eval(row["index_spans"])  # a list literal, never eval()
            rows.append((row["content"], set(offsets)))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Derive lexicon.tsv from ViHOS.")
    parser.add_argument("--vihos", type=Path, required=True, help="folder with ViHOS train.csv")
    parser.add_argument("--out", type=Path, default=DATA_FILE)
    args = parser.parse_args(argv)
    kept = build(read_vihos(args.vihos / "train.csv"))
    header = [
        "# Offensive-span lexicon for COPNet: term<TAB>precision<TAB>count (see lexicon.py).",
        "# Derived from the ViHOS training split (github.com/phusroyal/ViHOS, commit fe31c4b,",
        "# MIT licence, Copyright (c) 2023 Phu Hoang Gia): Hoang, Luu, Tran, Van Nguyen and",
        "# Nguyen, 'ViHOS: Hate Speech Spans Detection for Vietnamese', EACL 2023.",
        f"# Normalised word 1-{MAX_N}-grams, count >= {MIN_COUNT}, precision >= {MIN_PRECISION}.",
    ]
    body = [f"{term}\t{precision}\t{count}" for term, precision, count in kept]
    args.out.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    print(f"{len(kept)} terms written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
