"""The Vietnamese catalogue is complete, compiled, and covers every string in the code."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ["vi", "en"]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def test_vietnamese_catalogue_is_fully_translated_and_nothing_is_fuzzy():
    po = catalogue("vi")
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language):
    po = catalogue(language)
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    for entry in po.translated_entries():
        msgid = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgstr_plural:
            for index, text in entry.msgstr_plural.items():
                assert compiled.get((msgid, int(index))) == text, entry.msgid
        else:
            assert compiled.get(msgid) == entry.msgstr, entry.msgid
    assert len([k for k in compiled if k]) >= len(po.translated_entries())


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in catalogue(language).translated_entries():
        if entry.msgstr:
            assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), (
                entry.msgid
            )


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="needs GNU gettext (apt install gettext) to extract strings",
)
def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    shutil.copytree(
        ROOT / "copnet", tmp_path / "copnet", ignore=shutil.ignore_patterns("__pycache__", "tests")
    )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {
        **os.environ,
        "COPNET_DATA_DIR": str(tmp_path / "var"),
        "COPNET_LOCALE_DIR": str(tmp_path / "locale"),
        "PYTHONPATH": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    (tmp_path / "locale").mkdir()
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--no-location",
            "--ignore",
            "var/*",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/vi/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in catalogue("vi") if not e.obsolete}
    assert sorted(extracted - known) == [], "run `make messages` and translate the new strings"
    assert sorted(known - extracted) == [], "remove obsolete strings with `make messages`"
