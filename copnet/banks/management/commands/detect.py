from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.banks import services


class Command(BaseCommand):
    help = "Run detection on an image FILE, a URL or a TEXT and print the results as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="an image file, a URL, or text")

    def handle(self, *args: Any, **options: Any) -> None:
        from copnet.detection.base import SignalError
        from copnet.reports.evidence import EvidenceError, inspect_image

        target: str = options["target"]
        path = Path(target)
        if len(target) < 4096 and path.is_file():
            try:
                facts = inspect_image(path.read_bytes())
            except EvidenceError as exc:
                raise CommandError(str(exc.message)) from exc
            queries = [("md5", facts.md5), ("sha256", facts.sha256)]
            queries += [("pdq", v) for v in dict.fromkeys(facts.pdq_dihedral)]
            matches = services.match_hashes(queries)
            found = [
                {"bank": m.entry.bank.name, "signal_type": q[0], "distance": m.distance}
                for q, ms in zip(queries, matches, strict=True)
                for m in ms
            ]
            result: dict[str, Any] = {
                "kind": "image",
                "pdq": facts.pdq,
                "pdq_quality": facts.pdq_quality,
                "matches": found,
            }
        elif "://" in target or (" " not in target.strip() and "." in target):
            try:
                (entries,) = services.match_urls([target])
            except SignalError as exc:
                raise CommandError(str(exc)) from exc
            result = {
                "kind": "url",
                "matches": [
                    {
                        "list": e.url_list.name,
                        "pattern": e.pattern,
                        "category": e.url_list.category.code,
                    }
                    for e in entries
                ],
            }
        else:
            (text,) = services.classify_texts([target])
            result = {
                "kind": "text",
                "scores": text.scores,
                "suggested_category": text.suggested_category,
                "spans": [
                    {
                        "start": s.start,
                        "end": s.end,
                        "category": s.category,
                        "phrase": target[s.start : s.end],
                    }
                    for s in text.spans
                ],
            }
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
