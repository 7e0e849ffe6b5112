"""The README's configuration table documents every environment variable the platform reads.

The variables are taken from the code itself (every `env_*(...)`, `os.environ.get(...)` and
`os.getenv(...)` with a literal name in the non-test modules of `copnet/`, `settings.py` first),
so a new setting without a README row fails here. The table must also render: one block of rows
under its header, each row with as many cells as the header.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "copnet"
README = ROOT / "README.md"
SETTINGS = PACKAGE / "settings.py"
HEADER = "| Variable | Default | Meaning |"
READERS = {"env_str", "env_bool", "env_int", "env_list", "env_secret", "env_rates"}


def _read_names(path: Path) -> set[str]:
    """Environment variables `path` reads by a literal name (`env_secret` also reads NAME_FILE)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in READERS:
            names.add(first.value)
            if func.id == "env_secret":
                names.add(f"{first.value}_FILE")
        elif isinstance(func, ast.Attribute) and (
            (func.attr == "get" and ast.unparse(func.value) == "os.environ")
            or (func.attr == "getenv" and ast.unparse(func.value) == "os")
        ):
            names.add(first.value)
    return names


def _code_names() -> set[str]:
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        names |= _read_names(path)
    return names


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row (a `|` inside a code span does not split)."""
    body = row.strip()
    assert body.startswith("|"), row
    assert body.endswith("|"), row
    cells: list[str] = []
    current, in_code = "", False
    for char in body[1:-1]:
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append(current.strip())
            current = ""
        else:
            current += char
    cells.append(current.strip())
    return cells


def _configuration_section() -> list[str]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("## Configuration")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    return lines[start:end]


def _table_blocks(lines: list[str]) -> list[list[str]]:
    """Runs of consecutive lines that start with `|` (a blank line ends a table)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.lstrip().startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _variable_rows() -> list[list[str]]:
    blocks = [b for b in _table_blocks(_configuration_section()) if b[0].strip() == HEADER]
    assert len(blocks) == 1, f"the Configuration section needs one table headed {HEADER!r}"
    return [_cells(row) for row in blocks[0][2:]]


def _documented_names() -> set[str]:
    names: set[str] = set()
    for cells in _variable_rows():
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0]))
    return names


def test_reader_finds_variables_of_every_kind() -> None:
    names = _read_names(SETTINGS)
    for expected in (
        "SITE_URL",  # env_str
        "DEBUG",  # env_bool
        "SESSION_COOKIE_AGE",  # env_int
        "ALLOWED_HOSTS",  # env_list
        "SECRET_KEY",  # env_secret ...
        "SECRET_KEY_FILE",  # ... and its file form
        "COPNET_RATE_LIMITS",  # env_rates
        "COPNET_MAX_REQUEST_BYTES",  # a call spread over several lines
    ):
        assert expected in names
    assert {"PORT", "COPNET_ADMIN_EMAIL"} <= _code_names()  # os.environ.get outside settings


def test_every_variable_read_is_in_the_readme_table() -> None:
    missing = sorted(_code_names() - _documented_names())
    assert not missing, f"add these to the README's configuration table: {missing}"


def test_readme_table_names_only_variables_the_code_reads() -> None:
    # boto3 reads the AWS_* chain itself; the README names it as the fallback, not as ours.
    unknown = sorted(_documented_names() - _code_names())
    assert not unknown, f"the README documents variables nothing reads: {unknown}"


def test_every_table_in_the_configuration_section_renders() -> None:
    for block in _table_blocks(_configuration_section()):
        header = _cells(block[0])
        assert len(block) >= 3, f"a table needs a header, a separator and rows: {block[0]!r}"
        assert re.fullmatch(r"\|(\s*:?-{3,}:?\s*\|)+", block[1].strip()), (
            f"no separator row under {block[0]!r} (a table split by a blank line?)"
        )
        for row in block[1:]:
            assert len(_cells(row)) == len(header), f"{len(header)} cells expected: {row!r}"


def test_defaults_and_meanings_are_filled_in() -> None:
    rows = _variable_rows()
    assert len(rows) > 40
    for cells in rows:
        assert all(cells), f"an empty cell: {cells}"
