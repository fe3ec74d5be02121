"""The questions' memo (advisor/questions.py, ``matcher.answers``) changes nothing: every ``changes_outcome``
is what deciding each alternative again gives.

The profiles are built to ask many questions whose answers change counting (``necessary``, ``important_data``,
``hr_rules_in_place``), company-wide questions (``ciio``, ``personal_info_processed``, ``large_platform``) and
local-list questions, with 1-6 transfers and dates across the rules' effective-date boundaries. Each runs
through one advisor whose memo fills as it goes (and a second time, answered from the memo) and through the
same advisor with the memo off (``matcher.answers`` None: every alternative decided again)."""
from __future__ import annotations

import random
from collections import Counter

import orjson
import pytest

from advisor.service import Advisor
from tests.test_cache_identity import VALID, _generated

PURPOSES_ASKING = ["contract_with_individual", "hr_management", "emergency", "statutory_duty", "marketing"]


def _unknowns(n: int, seed: int) -> list[dict]:
    """``_generated``'s profiles with many facts unknown, some on dates of the 2022-2024 rules."""
    rng = random.Random(seed)
    out = _generated(n, seed)
    for p in out:
        if rng.random() < 0.3:
            p["as_of"] = f"{rng.choice([2022, 2023])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        c = p["company"]
        c["ciio"] = rng.choice([None, None, False, True])
        for name in ("hr_rules_in_place", "large_platform"):
            c[name] = rng.choice([None, None, True, False])
        c["personal_info_processed"] = rng.choice([None, None, 999_999, 1_000_000, 5_000_000])
        for t in p["transfers"]:
            t["purpose"] = rng.choice(PURPOSES_ASKING + [t["purpose"]])
            for name in ("necessary", "important_data_identified", "core_data"):
                t[name] = rng.choice([None, None, True, False])
            t["important_data"] = rng.choice([None, None, False, True])
            t["onward_transfer"] = rng.choice([None, "none", "outside_gba"])
            if rng.random() < 0.2:
                t["recipient"]["country"] = rng.choice(["HK", "MO"])
    return out


PROFILES = _unknowns(2500, seed=71)


def _questions(advisor: Advisor, p: dict) -> bytes:
    try:
        return orjson.dumps(advisor.assess(p)["questions"])
    except Exception as e:  # noqa: BLE001  an invalid generated profile: the same error both ways
        return repr(e).encode()


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.load()


def _off(advisor: Advisor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(advisor.matcher, "answers", None)


def test_memo_on_and_off_give_the_same_questions(advisor, monkeypatch):
    profiles = PROFILES + VALID
    advisor.matcher.answers.clear()
    first = [_questions(advisor, p) for p in profiles]    # the memo fills
    second = [_questions(advisor, p) for p in profiles]   # answered from it
    kinds = Counter(k[0] for k in advisor.matcher.answers)
    with monkeypatch.context() as m:
        _off(advisor, m)
        off = [_questions(advisor, p) for p in profiles]
    for a, b, c, p in zip(first, second, off, profiles):
        assert a == c, p
        assert b == c, p
    asked = Counter(q["rule"] for b in off if b.startswith(b"[") for q in orjson.loads(b))
    for rule in ("cn.q.necessary", "cn.q.important_data", "cn.q.hr_rules_in_place", "cn.q.ciio",
                 "cn.q.local_list", "cn.q.large_platform"):
        assert asked[rule] > 50, (rule, asked)
    # each kind of remembered answer was made: screen results, volume results with the totals as they were and
    # with new totals classes, unchanged transfers under new totals, transfers counted afresh
    assert all(kinds[k] > 10 for k in "swtn"), kinds
    assert sum(1 for k in advisor.matcher.answers if k[0] == "w" and k[3] is not None) > 20


@pytest.mark.law  # (a law test's share of the one above: the mutation run's judge, within pytest -m law's 30 s)
def test_memo_on_and_off_give_the_same_questions_in_brief(advisor, monkeypatch):
    profiles = _unknowns(300, seed=73)
    advisor.matcher.answers.clear()
    first = [_questions(advisor, p) for p in profiles]
    second = [_questions(advisor, p) for p in profiles]
    kinds = Counter(k[0] for k in advisor.matcher.answers)
    with monkeypatch.context() as m:
        _off(advisor, m)
        off = [_questions(advisor, p) for p in profiles]
    assert first == off and second == off
    assert all(kinds[k] > 0 for k in "swtn"), kinds  # (every kind of remembered answer is made)


@pytest.mark.law
def test_the_second_run_is_answered_from_the_memo(advisor, monkeypatch):
    """Run again, no answer is made afresh and nothing is decided again (the memo is big enough here)."""
    import advisor.questions as questions

    profiles = PROFILES[:800]
    advisor.matcher.answers.clear()  # (not full before the second run)
    for p in profiles:
        _questions(advisor, p)
    made, again = [0], [0]
    keep, redo = questions._keep, questions._Alternatives._again

    def counting_keep(*args):
        made[0] += 1
        return keep(*args)

    def counting_again(*args):
        again[0] += 1
        return redo(*args)

    monkeypatch.setattr(questions, "_keep", counting_keep)
    monkeypatch.setattr(questions._Alternatives, "_again", counting_again)
    for p in profiles:
        _questions(advisor, p)
    assert (made[0], again[0]) == (0, 0)


@pytest.mark.law
def test_a_wrong_remembered_answer_shows(advisor, monkeypatch):
    """The memo is what answers: spoil every remembered pathway and the questions come out differently."""
    profiles = PROFILES[:600]
    advisor.matcher.answers.clear()
    right = [_questions(advisor, p) for p in profiles]
    answers = advisor.matcher.answers
    for k, v in list(answers.items()):
        answers[k] = (not v[0], "spoilt") if k[0] == "s" else "spoilt"
    wrong = [_questions(advisor, p) for p in profiles]
    answers.clear()
    assert sum(a != b for a, b in zip(right, wrong)) > 50


@pytest.mark.law
def test_the_keys_settle_the_volume_result(advisor):
    """What keys "t" and "n" claim, tested apart from the questions (which rarely reach "t": a transfer whose
    counting changes mostly changes its own pathway first): under other totals, a counted transfer's volume
    result is a function of its volume vector and the totals' classes, and any transfer's a function of
    ``_own_place`` and those classes. Over many transfers and totals, one key never meets two results."""
    from advisor.decide import TransferDecision, _classes, _volume, decide
    from advisor.errors import ProfileError
    from advisor.profile_io import check_profile
    from advisor.questions import _own_place, _unchanged

    pack, matcher = advisor.pack, advisor.matcher
    rng = random.Random(73)
    counts = [0, 1, 9_999, 10_000, 10_001, 99_999, 100_000, 100_001, 999_999, 1_000_000, 1_000_001, 3_000_000]
    by_vector: dict = {}
    by_place: dict = {}
    checked = 0
    for p in PROFILES[:1200]:
        try:
            case = check_profile(p, pack)
        except ProfileError:
            continue
        decision = decide(case, pack, matcher, outcome=False)
        for x in decision.transfers:
            for _ in range(4):
                ns, s = rng.choice(counts), rng.choice(counts[:6])
                totals = {**decision.company_totals, "company.counted_transfers": rng.randint(1, 6),
                          "company.personal_info_total": ns, "company.sensitive_info_total": s,
                          "company.all_info_total": ns + s}
                y = TransferDecision(x.tf)
                try:
                    _volume(y, [pack.by_id[i] for i in matcher.match("volume", case.as_of,
                                                                      [{**x.tf.facts, **totals}])[0]])
                    got = y.pathway
                except LookupError:
                    got = "no rule decides"
                cls = _classes(pack, totals)
                if x.counted:
                    assert by_vector.setdefault(_unchanged(x, cls), got) == got, (p, totals)
                key = (_own_place(pack, case.as_of, x.tf.facts, totals), cls)
                assert by_place.setdefault(key, got) == got, (p, totals)
                checked += 1
    assert checked > 5000 and len(by_vector) > 200 and len(by_place) > 200, (checked, len(by_vector), len(by_place))


def test_the_hot_path_with_the_memo_is_durable_rules_alone(advisor):
    """The batch hot path (its profile views, a company alternative's copies) with the memo warm, byte for byte
    against durable_rules alone with no memo at all, on profiles with many unknown facts."""
    from advisor.errors import ProfileError
    from advisor.hotpath import HotPath
    from tests.test_cache_identity import _line

    bare = Advisor.load(memo=False)
    hot = HotPath(advisor)
    want = {}
    for n, p in enumerate(PROFILES[1000:1600]):
        try:
            want[n] = (p, _line(bare, p))
        except ProfileError:  # an invalid generated profile: not what this compares
            continue
    for p, _ in want.values():  # the memo fills
        hot.line(p, "p.json")
    plain = hot.plain
    for p, line in want.values():
        assert hot.line(p, "p.json") == line, p
    assert len(want) > 450 and hot.plain - plain == len(want)
