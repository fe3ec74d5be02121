"""Parsed data kept on disk between runs, keyed by the sha256 of the files it was parsed from.

Loading rules/ (YAML parsing and validation) is most of a short process's start-up. A process that finds
a pickle made from byte-identical files loads that instead; anything else (no cache folder, another
content digest, a damaged file, another Python) falls back to parsing and validating. The cache lives
in $ADVISOR_CACHE_DIR or $XDG_CACHE_HOME/cbdt-advisor (~/.cache/cbdt-advisor); ADVISOR_CACHE_DIR=off
disables it.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def _folder() -> Path | None:
    setting = os.environ.get("ADVISOR_CACHE_DIR")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cbdt-advisor"


def content_digest(root: Path, pattern: str = "*.yaml") -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob(pattern)):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def cached(kind: str, digest: str, build: Callable[[], T]) -> T:
    """``build()``, or what an earlier ``build()`` of byte-identical sources returned."""
    folder = _folder()
    if folder is None:
        return build()
    version = f"py{sys.version_info.major}{sys.version_info.minor}"
    path = folder / f"{kind}-{version}-{digest[:32]}.pickle"
    try:
        return pickle.loads(path.read_bytes())  # noqa: S301 - our own cache, keyed by content
    except Exception:  # noqa: BLE001 - missing, stale or damaged: parse again
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
            tmp.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp.name, path)
        for old in folder.glob(f"{kind}-{version}-*.pickle"):  # entries of edited rules are never read again
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home is fine: we only lose the speed-up
    return value
