"""Bilingual explanations: citations in words, and the reasons for each transfer's route."""
from __future__ import annotations


from advisor.packs.loader import RulePack
from advisor.render import labels


def cite(c: dict[str, str], pack: RulePack, lang: str) -> str:
    """One citation in words: the one renderer is advisor/render/labels.py."""
    return labels.cite(c, lang)


def cite_all(basis: list[dict[str, str]], pack: RulePack, lang: str) -> str:
    return labels.cite_all(basis, lang)


def route_label(pathway: str, exemption: str | None, pack: RulePack) -> dict[str, str]:
    p = pack.label("pathway", pathway)
    if exemption:
        e = pack.label("exemption", exemption)
        return {"zh": f"{p['zh']}（{e['zh']}）", "en": f"{p['en']} ({e['en']})"}
    return p


def explanation(pathway: str, exemption: str | None, reasons: list[dict[str, str]],
                basis: list[dict[str, str]], options: list[str], pack: RulePack) -> dict[str, str]:
    label = route_label(pathway, exemption, pack)
    out = {}
    for lang, sep, stop in (("zh", "", "。"), ("en", " ", ".")):
        parts = [("结论：" if lang == "zh" else "Route: ") + label[lang] + stop]
        parts += [r[lang] for r in reasons]
        if options:
            names = ("、" if lang == "zh" else ", ").join(pack.label("option", o)[lang] for o in options)
            parts.append(("可选机制：" if lang == "zh" else "Mechanisms available: ") + names + stop)
        if basis:
            parts.append(("依据：" if lang == "zh" else "Legal basis: ") + cite_all(basis, pack, lang) + stop)
        out[lang] = sep.join(parts)
    return out
