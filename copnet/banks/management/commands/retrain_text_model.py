from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.banks.labels import export_text_labels
from copnet.core.exports import csv_writer, restore_cell

from .export_text_labels import parse_since

MIN_EXAMPLES = 5  # a child-safety class with fewer confirmed texts is left out of training


class Command(BaseCommand):
    help = (
        "Retrain the text classifier on ViHSD plus the analysts' confirmed decisions "
        "(export_text_labels, then copnet.detection.text.train) into a new model folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vihsd", type=Path, help="folder with ViHSD train.csv (and dev.csv)")
        parser.add_argument("--out", type=Path, required=True, help="folder for the new model")
        parser.add_argument("--since", help="only cases closed on or after this date")
        parser.add_argument(
            "--extra", type=Path, action="append", default=[], help="more text,label CSV files"
        )
        parser.add_argument(
            "--keep-export", type=Path, help="also keep the exported labels in this CSV file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from copnet.detection.text import train

        vihsd: Path | None = options["vihsd"]
        if vihsd is not None and not (vihsd / "train.csv").is_file():
            raise CommandError(f"{vihsd} has no train.csv (the ViHSD folder).")
        out: Path = options["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a folder.")
        since = parse_since(options["since"])
        with tempfile.TemporaryDirectory(prefix="copnet-labels-") as tmp:
            buffer = io.StringIO()
            summary = export_text_labels(out=buffer, since=since)
            rows, dropped = _usable_rows(buffer.getvalue())
            for label, count in sorted(dropped.items()):
                self.stderr.write(
                    f"left out {label}: {count} confirmed texts, at least {MIN_EXAMPLES} needed"
                )
            labels_path = Path(tmp) / "confirmed.csv"
            with labels_path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(["text", "label", "category"])
                writer.writerows(rows)
            if options["keep_export"]:  # a copy for people: spreadsheet-safe
                with options["keep_export"].open("w", encoding="utf-8", newline="") as copy:
                    safe = csv_writer(copy, lineterminator="\n")
                    safe.writerow(["text", "label", "category"])
                    safe.writerows(rows)
            argv = ["--out", str(out)]
            if vihsd is not None:
                argv += ["--vihsd", str(vihsd)]
            for extra in [labels_path, *options["extra"]]:
                argv += ["--extra", str(extra)]
            captured, errors = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(errors):
                    train.main(argv)
            except SystemExit as exc:
                detail = errors.getvalue().strip().splitlines()[-1:] or [str(exc.code)]
                # argparse says "<prog>: error: …"; the prog name means nothing here.
                message = detail[0].split(" error: ", 1)[-1]
                raise CommandError(f"Training failed: {message}") from exc
        self.stderr.write(errors.getvalue(), ending="")
        self.stderr.write(
            f"{summary.rows} confirmed texts exported, {len(rows)} used for training."
        )
        self.stdout.write(captured.getvalue(), ending="")


def _usable_rows(exported: str) -> tuple[list[list[str]], Counter[str]]:
    from copnet.detection.text.train import VIHSD_CLASSES

    rows = [
        [restore_cell(r["text"]), r["label"], r["category"]]
        for r in csv.DictReader(io.StringIO(exported))
    ]
    counts = Counter(label for _text, label, _category in rows)
    dropped = Counter(
        {k: v for k, v in counts.items() if k not in VIHSD_CLASSES and v < MIN_EXAMPLES}
    )
    return [row for row in rows if row[1] not in dropped], dropped
