"""Typed readers for environment variables (no Django imports)."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvError(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/systemd style)."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return None


def private_dir(path: Path) -> Path:
    """`path` as a directory only its owner may enter (0700), created if missing."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """`path` as a file only its owner may read (0600), created empty if missing."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_uid == os.getuid():
            path.chmod(0o600)
    return path


def stored_secret(path: Path, nbytes: int = 50, *, fernet: bool = False) -> str:
    """Read a secret kept in `path`, creating it (mode 0600) on first use.

    With `fernet=True` the secret is a Fernet key (32 random bytes, url-safe base64)."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    if fernet:
        value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
    else:
        value = secrets.token_urlsafe(nbytes)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(text: str) -> tuple[int, int]:
    """`"20/10m"` → (20, 600): a count per window (`s`, `m`, `h` or `d`, with a multiple)."""
    count, _sep, window = text.strip().partition("/")
    window = window.strip().lower()
    unit = window[-1:] if window[-1:] in _PERIODS else "s"
    multiple = window[: -1 if window[-1:] in _PERIODS else None] or "1"
    try:
        limit, seconds = int(count), int(multiple) * _PERIODS[unit]
    except ValueError as exc:
        raise EnvError(f"a rate looks like 20/10m, not {text!r}") from exc
    if limit < 0 or seconds < 1:
        raise EnvError(f"a rate needs a count >= 0 and a window >= 1s, not {text!r}")
    return limit, seconds


def env_rates(name: str, defaults: dict[str, str]) -> dict[str, tuple[int, int]]:
    """The default rates, with `NAME="scope=count/window,..."` overriding some of them."""
    rates = {scope: parse_rate(text) for scope, text in defaults.items()}
    for item in env_list(name, []):
        scope, _sep, text = item.partition("=")
        scope = scope.strip()
        if scope not in rates:
            raise EnvError(f"{name}: unknown scope {scope!r} (known: {', '.join(sorted(rates))})")
        rates[scope] = parse_rate(text)
    return rates
