"""Bilingual text: both languages are required wherever a person reads it."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr

NonEmpty = Annotated[StrictStr, Field(min_length=1)]


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    zh: NonEmpty
    en: NonEmpty

    def pick(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


class BilingualList(BaseModel):
    """Parallel lists of points, same length in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    zh: list[NonEmpty]
    en: list[NonEmpty]

    def model_post_init(self, _ctx: object) -> None:
        if len(self.zh) != len(self.en):
            raise ValueError(f"zh has {len(self.zh)} points but en has {len(self.en)}")
