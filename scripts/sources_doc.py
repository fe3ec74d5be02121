"""Writes docs/sources.md from the rule pack: the sources policy, list scenarios, and every instrument and
regional measure with its date and confidence. Run after changing rules/: .venv/bin/python scripts/sources_doc.py
(tests/test_regional_provenance.py fails while the document and the data disagree)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from advisor.service import Advisor
from advisor.regional.catalogue import status_at
import datetime as dt
a = Advisor.load(); pack = a.pack; cat = pack.catalogue
def inst_date(i):
    return (i.promulgated or i.effective).isoformat() if (i.promulgated or i.effective) else "not confirmed"
out = []
out.append("""# Sources and confidence

What the advisor shows as a source, how sure it is of each fact, and every instrument and regional
measure it knows, with its date and confidence. The regional catalogue was last checked on
**2026-11-27**; each measure carries its own `last_verified` day.

## What a user is shown

- **The document itself.** Each source is an object `{"title", "issuer", "number", "date", "url", "kind"}`
  (contract §2 as revised): the official title, the issuing body, the document number (文号) where one was
  confirmed, and the date. `kind` says what it is: `document` (the instrument), `report` (an official or
  state-media report on it), `commentary` (a named law firm, consultancy or chamber), `briefing` (the
  briefing that started the catalogue).
- **A link only from an allowlisted publisher.** `rules/publishers.yaml` lists them: government sites
  (`.gov.cn`, `.gov.hk`, `.gov.mo` and named agencies), the NPC, official media (People's Daily, Xinhua,
  Science and Technology Daily, Wenhui Daily, China Daily), Hong Kong's PCPD, named law firms (Han Kun,
  Zhong Lun, Jingtian & Gongcheng, Tahota, King & Wood Mallesons, Reed Smith, Hunton, Linklaters,
  Taylor Wessing, Freshfields), Dezan Shira's China Briefing, AmCham South China and CCPIT Beijing. A
  link's host must be one of these domains or a subdomain of one; the catalogue refuses to load
  otherwise, and `tests/test_regional_provenance.py` checks every link in the output. Each shown link
  carries its publisher's name.
- **Research trails are kept, never shown.** Reprints and aggregator pages found while compiling the
  catalogue stay in a measure's `trail:` (and an instrument's `trail:`) so the facts can be re-checked;
  no output, page or export shows them.
- **The briefing** that started the catalogue is cited by its title and date: 《领导参阅》2024年第1期
  (总第116期)《各地数据安全跨境的创新做法》, 苏州太湖书院、苏州太湖智库, 2024-01-08. It has no
  public link. A source is never a file name.
- **Contacts** belong to the measure's own place: a measure's `contacts` each name the regions or zones
  they serve, and a company sees only those whose place holds it. A national measure shows the contact
  for the company's own province, or none.

## Confidence

| level | meaning |
|---|---|
| high | the document was seen in an official publication, or several independent reputable sources agree on it |
| medium-high | reputable secondary sources agree; the official text was not read |
| medium | one reputable secondary source, or details that differ between sources |
| low-medium / low | weak or single sources; shown with a warning, never relied on for a pathway where it matters |
| unverified | reported only by the January 2024 briefing; shown as `unverified`, never changes a pathway |

Where a fact could not be confirmed (a document number, a day, a list's sectors, scenarios or volume
figures) the catalogue leaves it out and says so in the measure's note; it never fills the gap.

**Status.** A measure's `status` at `as_of` is `not_yet_effective` before its start, `superseded` from
the day a successor replaced it, `expired` after its end, `draft` for a draft for comment (never
`active`, never changes a pathway), `unverified` for briefing-only measures, else `active`.

## Local lists and their scenarios

Each negative list and general data list carries its scenarios where the sources name them
(`list_rules.scenarios`: slug, bilingual title, sector, the purposes that obviously fall within it,
any scenario-level volume tiers, confidence). A profile names one with
`transfers[].local_list.scenario` (contract §7). `scenarios_complete` says whether the list's full set
of scenarios was captured. No list's scenario-level volume figures could be confirmed from an official
or reputable source in this pass, so every scenario has `volume_tiers: null` (not captured) and the
national thresholds apply; the model (`VolumeTier`) is ready for them.

| list | kind | scenarios captured | of |
|---|---|---|---|
""")
totals = {"bj-ftz-nl-2024": "23", "bj-twozones-nl-2026": "67", "tj-ftz-nl-2024": "by data category (13/46)",
          "sh-ftz-nl-2025": "6", "sh-citywide-nl-2026": "9", "sh-lingang-gdl-2024": "11", "hn-ftp-nl-2025": "14",
          "zj-ftz-nl-2025": "8", "cq-ftz-nl-2025": "not captured", "gx-ftz-nl-2025": "not captured",
          "fj-pingtan-gdl": "not captured"}
for m in cat.lists():
    names = ", ".join(f"`{s.slug}`" for s in m.list_rules.scenarios) or "none"
    out.append(f"| `{m.id}` {m.title.zh} | {m.list_rules.kind} | {names} | {totals.get(m.id, '?')} |\n")
out.append("""
Searched for and **not found** in this pass (so not in the catalogue): negative lists for Guangdong's
zones (Nansha, Qianhai, Hengqin, Hetao — Guangzhou and Shenzhen plans call for them:
`gz-trade-measures-nansha`, `sz-trade-plan-negative-list`), Jiangsu/Suzhou, and the other FTZs
(Sichuan, Hubei, Shandong, Anhui, Henan, Hunan, Yunnan, Liaoning, Shaanxi, Heilongjiang, Xinjiang,
Hebei). Reed Smith (May 2026) reports ten provincial-level FTZs with negative lists; seven are catalogued (Beijing, Tianjin, Shanghai, Zhejiang, Hainan, Chongqing, Guangxi), plus the general data lists of Lingang and Pingtan.

**Searched again on 2026-11-27 (issue 12)** in stored public pages, law-firm commentary and code (queries in
Chinese and English for each place's 数据出境管理清单/负面清单/一般数据清单, 2025版 and 2026版): no new list
for any place above, and no successor to the Tianjin, Zhejiang or Hainan lists (Haikou's official portal
still explains the Hainan 2024 edition on 2026-01-26). Scenario-level volume figures: Zhong Lun (2025)
says some scenarios of the Beijing, Shanghai, Hainan and Zhejiang lists have looser thresholds than the
national ones, and the Beijing CAC's own explainer (2024-08) says each scenario's figure differs (its
example: clinical trials rarely exceed 50,000 persons a year), but no source gives a scenario's figure
as the list states it, so none is encoded.

## Hand check of the sources (2026-11-27, issue 12)

Checked by hand against the sources named in each entry (`last_verified` 2026-11-27): the Zhejiang
negative list (issued 2025-04-10 by the Zhejiang CAC, Department of Commerce and Data Bureau with other
departments; Zhong Lun commentary); the Lingang general data lists (issued 2024-05-17 by the Lingang
committee; full titles; no renewal found after the one-year trial); the financial-sector compliance
guide (issued 2025-04-17; its note now applies from that day); the financial FTZ opinions (2025-01-22,
five departments); the 2025 automotive draft (notice of 2025-06-13, comments to 2025-07-13); the 2026
automotive guide (dated 2026-01-30, published 2026-02-03; MIIT link recorded by a third-party repository,
not opened from here); the MIIT data measures (工信部网安〔2022〕166号, in force 2023-01-01); Shanghai's
data-element action plan (沪府办发〔2023〕14号, 2023-07-22, from a reprint of the issuing notice; its start
moved from 2023-08 to that day); the Lingang international data industry plan (issued early Jan 2023;
its draft on the Lingang committee's own site, 2022-09-06). No other official link was found.

Not verified: the entries below carry a source line built only from the measure's own name, issuer and
date, and say so in their note — `bj-service-centres`, `bj-data-xborder-2.0` (its three issuers confirmed
by a reprint of the official explainer, date still unknown), `sh-lingang-service-centre-2024`,
`sh-hongqiao-2024`, `tj-classification-2024`,
`js-suzhou-data-port`, `cq-cci-data-channel`, `fj-xiamen-dataport-2024`, `szhk-verification-platform`,
`nansha-subsidies`, `sz-trade-plan-negative-list`, `gz-trade-measures-nansha`. The measures marked
`unverified` rest on the January 2024 briefing alone, as before.

## Instruments

`rules/instruments.yaml`: the laws, regulations, rules and guides the national rules cite.

| id | title | issuer | number | date | confidence |
|---|---|---|---|---|---|
""")
for i in pack.instruments.values():
    out.append(f"| `{i.id}` | {i.title.zh} / {i.title.en} | {i.issuer.zh} | {i.number or '—'} | {inst_date(i)} | {i.confidence} |\n")
out.append("""
## Regional measures

`rules/regional/*.yaml`. Date: the day (or month, or year) the measure started; status as at 2026-11-27.

| id | title | date | until / replaced | status (2026-11-27) | confidence | last verified |
|---|---|---|---|---|---|---|
""")
today = dt.date(2026, 11, 27)
for m in cat.measures:
    end = f"→ `{m.replaced_by}` {m.replaced_on}" if m.replaced_by else (m.until.text if m.until else "")
    out.append(f"| `{m.id}` | {m.title.zh} | {m.from_.text if m.from_ else '—'} | {end} | {status_at(m, today)} | {m.confidence} | {m.last_verified} |\n")
open(Path(__file__).resolve().parents[1] / "docs" / "sources.md", "w", encoding="utf-8").write("".join(out))
