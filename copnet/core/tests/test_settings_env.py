from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from copnet.core.env import EnvError, env_bool, env_int, stored_secret

ROOT = Path(__file__).resolve().parents[3]


def run_manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_like_settings(tmp_path):
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "COPNET_DATA_DIR": str(tmp_path),
            "DEBUG": "0",
            "COPNET_HTTPS": "1",
            "SECRET_KEY": "p" + "x9Lq2VzR7mKt4NwB8cYh3JdF6sGa1QeU5oTiPl0" * 2,
            "ALLOWED_HOSTS": "copnet.example.vn",
            "COPNET_REQUIRE_SECRET_KEY": "1",
            "COPNET_ENCRYPTION_KEYS": "Tb470vhvYAHVa5VDBgaJUgfqV09OFo0vFgFAFRybsSU=",
            "COPNET_LOOKUP_KEY": "l" + "Qm4Zr8Tn2Vx6Bc1Hd5Jf9Kg3Lp7Sw0" * 2,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "encryption_key").exists()
    assert not (tmp_path / "lookup_key").exists()


def test_a_missing_lookup_key_is_refused_in_production(tmp_path):
    result = run_manage(
        ["check"],
        {
            "COPNET_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "s" * 60,
            "COPNET_REQUIRE_SECRET_KEY": "1",
            "COPNET_ENCRYPTION_KEYS": "Tb470vhvYAHVa5VDBgaJUgfqV09OFo0vFgFAFRybsSU=",
        },
    )
    assert result.returncode != 0
    assert "COPNET_LOOKUP_KEY" in result.stderr


def test_missing_encryption_keys_are_refused_in_production(tmp_path):
    result = run_manage(
        ["check"],
        {
            "COPNET_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "s" * 60,
            "COPNET_REQUIRE_SECRET_KEY": "1",
        },
    )
    assert result.returncode != 0
    assert "COPNET_ENCRYPTION_KEYS" in result.stderr


def test_a_missing_secret_key_is_refused_when_production_requires_one(tmp_path):
    result = run_manage(
        ["check"],
        {"COPNET_DATA_DIR": str(tmp_path), "SECRET_KEY": "", "COPNET_REQUIRE_SECRET_KEY": "1"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = stored_secret(tmp_path / "secret_key")
    second = stored_secret(tmp_path / "secret_key")
    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_env_readers_reject_malformed_values(monkeypatch):
    monkeypatch.setenv("COPNET_FLAG", "maybe")
    monkeypatch.setenv("COPNET_NUMBER", "12a")
    with pytest.raises(EnvError, match="COPNET_FLAG"):
        env_bool("COPNET_FLAG")
    with pytest.raises(EnvError, match="COPNET_NUMBER"):
        env_int("COPNET_NUMBER", 3)


def test_unknown_task_backend_is_refused(tmp_path):
    result = run_manage(["check"], {"COPNET_DATA_DIR": str(tmp_path), "TASKS_BACKEND": "celery"})
    assert result.returncode != 0
    assert "TASKS_BACKEND" in result.stderr


def test_production_passwords_are_hashed_with_argon2():
    from copnet import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
