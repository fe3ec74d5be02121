"""Parsed data kept on disk between runs, keyed by the sha256 of the files it was parsed from.

Loading rules/ (YAML parsing and validation) is most of a short process's start-up. A process that finds
a pickle made from byte-identical files loads that instead; anything else (no cache folder, another
content digest, other code, a damaged file, another Python) falls back to parsing and validating. The cache lives
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
from typing import Any, TypeVar

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


KEEP = 4  # entries kept per kind: the newest ones


_CODE: list[str] = []


def code_digest() -> str:
    """The digest of the advisor package's own source: a pickle made by other code (another version, another
    checkout sharing the cache folder) is never loaded, even from byte-identical YAML."""
    if not _CODE:  # path, size and modification time of each source file: no file is read at start-up
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(str(root).encode())
        for p in sorted(root.rglob("*.py")):
            st = p.stat()
            h.update(f"{p.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        _CODE.append(h.hexdigest()[:16])
    return _CODE[0]


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def _path(kind: str, digest: str) -> Path | None:
    folder = _folder()
    if folder is None:
        return None
    return folder / f"{kind}-py{sys.version_info.major}{sys.version_info.minor}-{digest[:32]}-{code_digest()}.pickle"


def has(kind: str, digest: str) -> bool:
    """Whether ``store(kind, digest, ...)`` has saved something that a load would try (False: no cache)."""
    path = _path(kind, digest)
    return path is not None and path.exists()


def load(kind: str, digest: str) -> Any:
    """What ``store(kind, digest, ...)`` saved, or None (no cache, nothing saved, damaged, another Python)."""
    path = _path(kind, digest)
    if path is None:
        return None
    try:
        return pickle.loads(path.read_bytes())  # noqa: S301 - our own cache, keyed by content
    except Exception:  # noqa: BLE001 - missing, stale or damaged: the caller builds it again
        return None


def store(kind: str, digest: str, value: Any) -> None:
    """Save ``value`` atomically (a reader sees the old file or the new one) and drop the kind's other entries."""
    path = _path(kind, digest)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            pickle.dump(value, tmp, protocol=pickle.HIGHEST_PROTOCOL)  # streamed: no second copy in memory
        os.replace(tmp.name, path)
        # keep the KEEP newest entries of the kind (several checkouts may share one cache folder)
        mine = sorted(path.parent.glob(f"{kind}-py{sys.version_info.major}{sys.version_info.minor}-*.pickle"),
                      key=_mtime, reverse=True)
        for old in mine[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home is fine: we only lose the speed-up


def cached_files(kind: str, paths: list[Path], build: Callable[[], T]) -> T:
    """``build()`` of what a few files hold, kept under the digest of their bytes (missing files count as empty)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p).encode() + b"\0" + (p.read_bytes() if p.exists() else b"") + b"\0")
    return cached(kind, h.hexdigest(), build)


def cached(kind: str, digest: str, build: Callable[[], T]) -> T:
    """``build()``, or what an earlier ``build()`` of byte-identical sources returned."""
    found = load(kind, digest)
    if found is not None:
        return found
    value = build()
    store(kind, digest, value)
    return value
