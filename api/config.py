"""Settings for the HTTP service: one pydantic model, built in create_app() (never at import time)."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


def _load_advisor() -> Any:
    from advisor.service import Advisor

    return Advisor.load()


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3 here (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    data_dir: Path = Field(Path("data"), description="Folder for the embedded SQLite database.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in data_dir.")
    migrate_on_start: bool = True
    default_lang: Literal["zh", "en"] = "zh"
    max_body_bytes: int = 1024 * 1024
    max_batch: int = 1000
    threads: int = Field(4, description="Worker threads per process for assessing and storing (CPU-bound).")
    key_cache_seconds: float = Field(1.0, description="How long a worker trusts its copy of the key table.")
    advisor_loader: Callable[[], Any] = _load_advisor

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        env: dict[str, Any] = {}
        if v := os.environ.get("ADVISOR_DATA_DIR"):
            env["data_dir"] = Path(v)
        if v := os.environ.get("ADVISOR_DATABASE_URL"):
            env["database_url"] = v
        if os.environ.get("ADVISOR_MIGRATE", "1") == "0":
            env["migrate_on_start"] = False
        if v := os.environ.get("ADVISOR_THREADS"):
            env["threads"] = int(v)
        if v := os.environ.get("ADVISOR_LANG"):
            env["default_lang"] = v
        return cls(**{**env, **overrides})

    @property
    def url(self) -> str:
        if self.database_url:
            return normalise_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'advisor.db').resolve()}"
