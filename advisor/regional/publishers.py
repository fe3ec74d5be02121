"""The publisher allowlist (rules/publishers.yaml): whose links a user may be shown (issue 12 §3)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from advisor.errors import PackError
from advisor.models.text import Bilingual
from advisor.packs.validate import validate_pack
from advisor.packs.yamlio import read_yaml

Domain = Annotated[StrictStr, Field(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")]


class Publisher(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    kind: Literal["government", "gazette", "official_media", "statutory_body", "law_firm", "consultancy", "chamber"]
    name: Bilingual
    domains: list[Domain] = Field(min_length=1)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def host_on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


@dataclass(frozen=True)
class Allowlist:
    publishers: tuple[Publisher, ...]

    @classmethod
    def load(cls, path: Path) -> Allowlist:
        doc = read_yaml(path)
        if not isinstance(doc, dict) or set(doc) != {"publishers"} or not isinstance(doc["publishers"], list):
            raise PackError(str(path), "expected exactly `publishers:` with a list")
        pubs = tuple(validate_pack(Publisher, raw, path) for raw in doc["publishers"])
        ids = [p.id for p in pubs]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise PackError(str(path), f"duplicate publisher id(s): {', '.join(dup)}")
        return cls(pubs)

    def publisher_of(self, url: str) -> Publisher | None:
        """The allowlisted publisher of ``url`` (the most specific domain wins), or None."""
        host = host_of(url)
        hits = [(len(d), p) for p in self.publishers for d in p.domains if host_on(host, d)]
        return max(hits, key=lambda h: h[0])[1] if hits else None
