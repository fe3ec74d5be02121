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


def _int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name}={value!r}: give a whole number") from None


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    data_dir: Path = Field(Path("data"), description="Folder for the embedded SQLite database.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in data_dir.")
    migrate_on_start: bool = True
    default_lang: Literal["zh", "en"] = "zh"
    max_body_bytes: int = 1024 * 1024
    max_batch: int = 1000
    threads: int = Field(4, description="Worker threads per process for assessing and storing (CPU-bound).")
    key_cache_seconds: float = Field(0.5, description="How long a worker trusts its copy of the key table and "
                                     "access mode (a revocation reaches every worker and host within this).")
    cors_origins: tuple[str, ...] = Field((), description="Origins allowed to call /v1 from a browser (CORS); "
                                          "none by default.")
    retention_days: int | None = Field(None, ge=1, description="Erase API assessments older than this many days; "
                                       "unset: kept until deleted.")
    page_retention_days: int = Field(30, ge=1, description="Erase the help-desk page's assessments after this "
                                     "many days.")
    purge_every_seconds: float = Field(3600.0, gt=0, description="How often each worker runs the retention purge.")
    page_posts_per_minute: int = Field(30, ge=1, description="Form submissions per browser per minute "
                                       "(per worker process).")
    page_posts_per_minute_per_address: int = Field(300, ge=1, description="Form submissions per client address "
                                                   "per minute, all browsers behind it together (per worker process).")
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
        if v := os.environ.get("ADVISOR_CORS_ORIGINS"):
            env["cors_origins"] = tuple(o.strip() for o in v.split(",") if o.strip())
        for name, key in (("ADVISOR_RETENTION_DAYS", "retention_days"),
                          ("ADVISOR_PAGE_RETENTION_DAYS", "page_retention_days"),
                          ("ADVISOR_PAGE_POSTS_PER_MINUTE", "page_posts_per_minute"),
                          ("ADVISOR_PAGE_POSTS_PER_MINUTE_PER_ADDRESS", "page_posts_per_minute_per_address")):
            if v := os.environ.get(name):
                env[key] = _int(name, v)
        return cls(**{**env, **overrides})

    @property
    def url(self) -> str:
        if self.database_url:
            return normalise_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'advisor.db').resolve()}"
