"""Countries as people type them: an ISO 3166-1 alpha-2 code, or a Chinese or English name -> the code.

One resolver for the page, the CLI and the API (profile_io calls it before validation, so a profile may say
``"country": "香港"`` and the echoed profile shows ``HK``). Codes ISO 3166-1 does not assign (``ZZ``) are
refused; a name matching several countries is refused naming every candidate.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from advisor.packs.yamlio import read_yaml
from advisor.resources import shipped_rules_dir

DATA = Path(__file__).resolve().parent / "countries.yaml"
MAINLAND = "CN"
HK_MO_TW = ("HK", "MO", "TW")


@dataclass(frozen=True)
class Country:
    code: str
    zh: str
    en: str

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class CountryError(LookupError):
    """An unknown or ambiguous country; ``candidates`` lists the countries an ambiguous name could mean."""

    def __init__(self, message: str, candidates: tuple[Country, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s.,'’()（）·\-]+", "", text)


class Countries:
    def __init__(self, rows: dict[str, Country], names: dict[str, set[str]]) -> None:
        self._rows, self._names = rows, names

    @classmethod
    def load(cls, path: Path = DATA) -> Countries:
        """The ISO 3166-1 codes and their spellings (advisor/countries.yaml), named as the page and reports name
        them (rules/countries.yaml, read by advisor/render/labels.py); both files' names are accepted."""
        data = read_yaml(path)["countries"]
        shown_path = shipped_rules_dir() / "countries.yaml"
        shown = read_yaml(shown_path)["countries"] if shown_path.exists() else {}
        rows: dict[str, Country] = {}
        names: dict[str, set[str]] = {}
        for code, entry in data.items():
            code = str(code)
            if not re.fullmatch(r"[A-Z]{2}", code):
                raise ValueError(f"{path}: bad country code {code!r} (quote it: NO is a boolean to YAML)")
            words = shown.get(code) or entry
            rows[code] = Country(code, words["zh"], words["en"])
            for name in (entry["zh"], entry["en"], words["zh"], words["en"], *entry.get("also", [])):
                names.setdefault(_key(name), set()).add(code)
        return cls(rows, names)

    def all(self) -> list[Country]:
        return list(self._rows.values())

    def get(self, code: str) -> Country | None:
        return self._rows.get(code)

    def resolve(self, value: str) -> Country:
        """The country a code or name means; CountryError names the value (and the candidates)."""
        text = str(value).strip()
        if re.fullmatch(r"[A-Za-z]{2}", text):
            if (hit := self._rows.get(text.upper())) is None:
                raise CountryError(f"unknown country code {text!r}: not an ISO 3166-1 alpha-2 code")
            return hit
        codes = self._names.get(_key(text), set())
        if not codes:
            raise CountryError(f"unknown country {text!r}: give the ISO code (SG) or the name (新加坡, Singapore)")
        if len(codes) > 1:
            found = tuple(self._rows[c] for c in sorted(codes))
            shown = "; ".join(f"{c.code} {c.zh} ({c.en})" for c in found)
            raise CountryError(f"ambiguous country {text!r}: it names {shown}", found)
        return self._rows[next(iter(codes))]


@lru_cache(maxsize=1)
def default_countries() -> Countries:
    from advisor.packs.diskcache import cached_files

    return cached_files("countries", [DATA, shipped_rules_dir() / "countries.yaml"], Countries.load)
