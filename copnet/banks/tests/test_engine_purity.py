from __future__ import annotations

import ast
from pathlib import Path

DETECTION = Path(__file__).resolve().parents[2] / "detection"


def test_the_detection_engine_never_imports_django():
    offenders = []
    for path in DETECTION.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] == "django"
                or n.startswith("copnet.")
                and not n.startswith("copnet.detection")
            ]
    assert offenders == []
