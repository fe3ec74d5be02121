"""Words of the help-desk page in zh and en: vocabulary labels, page text, field help, error messages."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

from advisor import vocab
from advisor.packs.yamlio import read_yaml

HERE = Path(__file__).resolve().parent
LANGS = ("zh", "en")
# Which vocabulary each label group lists, in the contract's order.
VOCAB = {
    "purposes": vocab.Purpose, "sectors": vocab.Sector, "zones": vocab.Zone,
    "recipient_kinds": vocab.RecipientKind, "special_categories": vocab.SpecialCategory,
    "established": vocab.Established, "pathways": vocab.Pathway, "exemptions": vocab.Exemption, "mechanisms": vocab.Mechanism,
    "statuses": vocab.MeasureStatus, "deadlines": vocab.DeadlineId, "requirements": vocab.RequirementId,
}


def lang_of(value: str | None) -> str:
    return value if value in LANGS else "zh"


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("labels.yaml", "ui.yaml"):
        out.update(read_yaml(HERE / name))  # the strict reader: an unquoted NO (Norway) is refused, not False
    out["help"] = read_yaml(HERE / "help.yaml")
    return out


def pick(text: Any, lang: str) -> str:
    """A {"zh","en"} text in the wanted language; plain strings pass through."""
    from advisor.render.words import readable   # no profile field name or instrument id on the page
    if isinstance(text, dict):
        return readable(str(text.get(lang) or text.get("en") or text.get("zh") or ""), lang if lang in ("zh", "en") else "en")
    return "" if text is None else str(text)


class T:
    """Passed to templates as ``T``: everything a page says, in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang_of(lang)
        self.other = "en" if self.lang == "zh" else "zh"
        self._d = data()

    def ui(self, key: str, **kw: Any) -> str:
        text = pick(self._d["text"].get(key, key), self.lang)
        return text.format(**kw) if kw else text

    def label(self, group: str, slug: Any) -> str:
        entry = self._d.get(group, {}).get("" if slug is None else str(slug))
        return pick(entry, self.lang) if entry else str(slug)

    @property
    def colon(self) -> str:
        return "：" if self.lang == "zh" else ": "

    def paren(self, text: str) -> str:
        return f"（{text}）" if self.lang == "zh" else f" ({text})"

    def plural(self, n: int, one: str, many: str) -> str:
        """The text for one or for many: "1 measure found" / "2 measures found" (zh texts say it with 个/项)."""
        return self.ui(one if n == 1 else many, n=n)

    def help(self, key: str) -> str:
        return pick(self._d["help"].get(key, ""), self.lang)

    def pick(self, text: Any) -> str:
        return pick(text, self.lang)

    def options(self, group: str) -> list[tuple[str, str]]:
        if group in VOCAB:
            return [(s, self.label(group, s)) for s in get_args(VOCAB[group])]
        return [(k, pick(v, self.lang)) for k, v in self._d[group].items()]

    def countries(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every ISO 3166-1 country (advisor/countries.py), named by the one label renderer: the mainland,
        Hong Kong, Macau and Taiwan, the frequent ones, then all others by name."""
        from advisor.countries import HK_MO_TW, MAINLAND, default_countries
        from advisor.render.labels import label

        name = lambda c: label("country", c, self.lang)  # noqa: E731
        outbound = {"zh": "（属于出境）", "en": " (outbound)"}[self.lang]
        common = [c for c in self._d["common_countries"] if c not in HK_MO_TW]
        rest = sorted((c.code for c in default_countries().all() if c.code not in {MAINLAND, *HK_MO_TW, *common}), key=name)
        return [(self.ui("group_mainland"), [(MAINLAND, name(MAINLAND) + {"zh": "（不属于出境）", "en": " (not outbound)"}[self.lang])]),
                (self.ui("group_hk_mo_tw"), [(c, name(c) + outbound) for c in HK_MO_TW]),
                (self.ui("group_common"), [(c, name(c)) for c in common]),
                (self.ui("group_abroad"), [(c, name(c)) for c in rest])]

    def known_country(self, code: str) -> bool:
        from advisor.countries import default_countries

        return default_countries().get(code) is not None

    def cite(self, basis: dict[str, Any]) -> str:
        """One citation: 《规定》第5条第1项 / 2024 Provisions Art 5(1)."""
        inst = self.label("instruments", basis.get("instrument", ""))
        art, item = basis.get("article"), basis.get("item")
        if self.lang == "zh":
            return inst + (f"第{art}条" if art else "") + (f"第{item}项" if item else "")
        return inst + (f" Art {art}" if art else "") + (f"({item})" if item else "")

    def error(self, message: str, value: Any = None) -> str:
        return translate_error(message, value, self.lang)

    def ui_error(self, key: str, value: Any = None) -> str:
        """A page text (ui.yaml) used as an error message, with the value given, like ``error``."""
        return with_value(self.ui(key), value, self.lang)


# Common validation messages (pydantic and the advisor's own), turned into plain words.
_ERRORS: list[tuple[re.Pattern[str], dict[str, str]]] = [
    (re.compile(r"greater than or equal to 0|negative", re.I),
     {"zh": "人数不能是负数，请填0或更大的整数", "en": "The number cannot be negative: give 0 or more"}),
    (re.compile(r"valid integer|whole number", re.I),
     {"zh": "请填写整数（如 150000）", "en": "Give a whole number (e.g. 150000)"}),
    (re.compile(r"ambiguous region", re.I),
     {"zh": "这个名称对应不止一个地方，请在下面选择", "en": "This name fits more than one place: choose one below"}),
    (re.compile(r"ambiguous country", re.I),
     {"zh": "这个名称对应不止一个国家或地区，请从列表中选择", "en": "This name fits more than one country: choose it from the list"}),
    (re.compile(r"unknown country", re.I),
     {"zh": "找不到这个国家或地区，请从列表中选择，或填写中文或英文名称", "en": "Unknown country: choose it from the list or type its name"}),
    (re.compile(r"mainland China", re.I),
     {"zh": "本服务只适用于在中国内地注册的企业", "en": "This service is for companies registered in mainland China"}),
    (re.compile(r"zones need", re.I),
     {"zh": "填写特殊区域时，须同时填写所在地", "en": "A special zone needs the place it is in: fill in the place too"}),
    (re.compile(r"region|place", re.I),
     {"zh": "找不到这个地方，请输入地名（如 深圳市南山区、前海）或行政区划代码", "en": "Unknown place: type its name (e.g. Nanshan, Shenzhen; Qianhai) or its administrative code"}),
    (re.compile(r"field required|missing", re.I), {"zh": "此项必填", "en": "This field is required"}),
    (re.compile(r"duplicate", re.I), {"zh": "编号重复，每项出境活动的编号必须不同", "en": "Duplicate: each transfer needs its own short name"}),
    (re.compile(r"pattern|alpha-2", re.I), {"zh": "格式不正确", "en": "Wrong format"}),
    (re.compile(r"date|2022-09-01", re.I), {"zh": "日期不正确（格式：2026-11-27，不早于2022-09-01）",
                                            "en": "Wrong date (format 2026-11-27, not before 2022-09-01)"}),
    (re.compile(r"input should be|unknown|not one of|literal", re.I),
     {"zh": "不是可选的值", "en": "Not one of the allowed values"}),
]


def translate_error(message: str, value: Any, lang: str) -> str:
    for pattern, text in _ERRORS:
        if pattern.search(message or ""):
            words = text[lang]
            break
    else:
        words = message if lang == "en" else f"输入有误：{message}"
    return with_value(words, value, lang)


def with_value(words: str, value: Any, lang: str) -> str:
    if value not in (None, ""):
        words += f"（{value}）" if lang == "zh" else f" (got {value!r})"
    return words
