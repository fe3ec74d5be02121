"""The memo in front of the engine (advisor/engine/cache.py) groups days into classes between the rule
pack's effective dates. Each boundary of each rule must separate two classes: a day a rule is in force
and the day after it lapses (or the day before it starts) must never share a memo entry, or an answer
learnt on one day is handed out on the other."""
from __future__ import annotations

import collections
import datetime as dt
import shutil
from pathlib import Path

import pytest

from advisor import resources
from advisor.resources import shipped_rules_dir
from advisor.service import Advisor

pytestmark = pytest.mark.law

ONE = dt.timedelta(days=1)


def _day_class(advisor, phase: str, day: dt.date):
    facts = collections.defaultdict(int)         # any facts: only the date class (the last item) is read
    return advisor.matcher._abstract[phase](day, facts)[-1]


def test_the_memo_is_in_front_of_the_engine(advisor) -> None:
    assert advisor.matcher.name == "durable_rules+memo"


def test_the_first_and_last_day_of_every_rule_are_in_other_date_classes_than_the_days_beside_them(advisor) -> None:
    checked = 0
    for r in advisor.pack.rules:
        eff = r.spec.effective
        pairs = [(eff.from_ - ONE, eff.from_)] + ([(eff.until, eff.until + ONE)] if eff.until else [])
        for before, after in pairs:
            assert _day_class(advisor, r.spec.phase, before) != _day_class(advisor, r.spec.phase, after), \
                (r.spec.id, before, after)
            checked += 1
    lapsing = [r for r in advisor.pack.rules if r.spec.effective.until]
    assert checked == len(advisor.pack.rules) + len(lapsing) and lapsing


def test_a_rule_that_lapses_with_no_rule_starting_the_next_day_still_ends_a_date_class(tmp_path: Path, monkeypatch) -> None:
    """In the shipped pack every rule that lapses is followed by one that starts the next day, which hides
    a lapse date missing from the classes; an amended pack need not be: the question on the number of
    persons processed made to lapse on 2024-03-10, when nothing else starts on the 11th."""
    monkeypatch.setattr(resources, "_active", resources.rules_dir())   # loading the copy activates it: undone after
    rules = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), rules)
    questions = rules / "national" / "70-questions.yaml"
    text = questions.read_text(encoding="utf-8")
    old = "effective: {from: 2022-09-01, until: 2024-03-21}"
    assert text.count(old) == 1
    questions.write_text(text.replace(old, "effective: {from: 2022-09-01, until: 2024-03-10}"), encoding="utf-8")
    amended = Advisor.load(rules_dir=rules)
    starts = {r.spec.effective.from_ for r in amended.pack.rules}
    assert dt.date(2024, 3, 11) not in starts
    assert _day_class(amended, "screen", dt.date(2024, 3, 10)) != _day_class(amended, "screen", dt.date(2024, 3, 11))


def test_a_rule_that_lapses_is_matched_on_its_last_day_after_the_day_after_was_memoised(advisor, reference) -> None:
    """The behaviour the classes protect, end to end: the 2022 regime's large-processor trigger lapses
    on 2024-03-21. Asked first on 2024-03-22, then on 2024-03-21, the memo answers as the engine does."""
    fresh = Advisor.load()                      # a memo of its own, empty
    profile = {"as_of": "2024-03-22",
               "company": {"name": "示例", "region": "310115", "sector": "retail", "ciio": False,
                           "personal_info_processed": 2000000},
               "transfers": [{"id": "t1", "purpose": "marketing", "recipient": {"kind": "third_party", "country": "US"},
                              "personal_info_subjects": 10, "sensitive_info_subjects": 0, "important_data": False}]}
    after = fresh.assess(profile)
    last_day = fresh.assess({**profile, "as_of": "2024-03-21"})
    assert after["transfers"][0]["pathway"] != last_day["transfers"][0]["pathway"]
    assert last_day["transfers"][0]["pathway"] == reference.assess({**profile, "as_of": "2024-03-21"})["transfers"][0]["pathway"] \
        == "security_assessment"
