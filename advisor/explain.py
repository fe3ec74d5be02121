"""Bilingual explanations: citations in words, and the reasons for each transfer's route."""
from __future__ import annotations


from advisor.packs.loader import RulePack


def cite(c: dict[str, str], pack: RulePack, lang: str) -> str:
    inst = pack.instruments.get(c["instrument"])
    if inst is None:  # a regional measure cited as an instrument
        m = pack.catalogue.by_id[c["instrument"]]
        title = m.title.pick(lang)
    else:
        title = inst.title.pick(lang)
    art, item = c.get("article"), c.get("item")
    if not art:
        return f"《{title}》" if lang == "zh" else title
    if lang == "zh":
        return f"《{title}》第{art}条" + (f"第（{item}）项" if item else "")
    return f"{title}, Art {art}" + (f"({item})" if item else "")


def cite_all(basis: list[dict[str, str]], pack: RulePack, lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(cite(c, pack, lang) for c in basis)


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
