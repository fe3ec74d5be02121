"""The cheap ways decide() reads the facts are the same as the plain ones (advisor/facts.py, advisor/decide.py,
advisor/engine/cache.py): each transfer's facts from the memo of its enumerable fields, the company's facts and
each transfer's own abstracted apart (``CachedMatcher.split``/``match_split``) instead of whole dicts, and the
screen and volume phases' decisions remembered by the matched rules."""
from __future__ import annotations

import datetime as dt
import random

import pytest

import advisor.decide as decide_mod
import advisor.facts as facts_mod
from advisor.decide import TransferDecision, _screen, _screened, _volume, _volumed, decide
from advisor.engine.cache import CachedMatcher
from advisor.errors import ProfileError
from advisor.facts import TransferFacts, screen_facts
from advisor.profile_io import check_profile
from advisor.regional.lists import gba_contract_available, lists_available
from tests.casefile import load_golden_cases, load_own_cases
from tests.test_cache_identity import _generated

# A wrong shortcut here would change a pathway without any golden case noticing: these are law tests too
# (`pytest -m law`, the mutation run's judge).
pytestmark = pytest.mark.law

CATEGORIES = ["automotive", "financial", "health_medical", "human_genetic_resources", "state_secrets"]


def _varied(n: int, seed: int) -> list[dict]:
    """Generated profiles (tests/test_cache_identity.py) with every tri-state, onward transfers, categories and
    counts processed varied too."""
    rng = random.Random(seed)
    out = _generated(n, seed)
    for p in out:
        p["company"]["personal_info_processed"] = rng.choice([None, 0, 999_999, 1_000_000, 5_000_000])
        for t in p["transfers"]:
            for name in ("necessary", "important_data_identified", "core_data"):
                t[name] = rng.choice([True, False, None])
            t["onward_transfer"] = rng.choice([None, "none", "within_gba", "outside_gba"])
            t["special_categories"] = rng.sample(CATEGORIES, rng.randint(0, 2))
    return out


def _cases(pack, n: int = 400, seed: int = 5) -> list:
    cases = []
    own = [c["profile"] for c in load_golden_cases() + load_own_cases() if not c["expect"].get("error")]
    for p in own + _varied(n, seed):
        try:
            cases.append(check_profile(p, pack))
        except ProfileError:
            continue
    return cases


def _plain_facts(case, pack, t) -> dict:
    """A transfer's facts spelt out one by one (the oracle), as contract §3 defines them."""
    c = case.profile.company
    have = {a.mechanism for a in case.profile.approvals if a.transfer == t.id}
    f = facts_mod.company_facts(case, pack.used_facts)
    pi, s = t.personal_info_subjects, t.sensitive_info_subjects
    f.update({"transfer.outbound": t.recipient.country != "CN", "transfer.purpose": t.purpose,
              "transfer.recipient_kind": t.recipient.kind, "transfer.recipient_country": t.recipient.country,
              "transfer.personal_info_subjects": pi, "transfer.sensitive_info_subjects": s,
              "transfer.has_pi": pi > 0 or s > 0, "transfer.all_info_subjects": pi + s,
              "transfer.collected_abroad": t.collected_abroad})
    for name, facts_of in facts_mod.FIELD_FACTS.items():
        f.update(facts_of(getattr(t, name)))
    for key, category in facts_mod._CATEGORY_FACTS:
        f[key] = category in t.special_categories
    for key, mechanism in facts_mod._APPROVAL_FACTS:
        f[key] = mechanism in have
    if t.local_list is None:
        f.update({"transfer.local_list_kind": "none", "transfer.local_list_usable": False,
                  "transfer.local_list_on_list": False,
                  "transfer.local_list_unknown_but_available": bool(lists_available(
                      pack.catalogue, case.codes, case.zones, c.sector, bool(c.ciio), case.as_of))})
    gba = gba_contract_available(pack.catalogue, case.codes, t.recipient.country, case.as_of)
    f["transfer.gba_contract_available"] = gba is not None
    return f


def test_facts_are_the_plain_facts(advisor, monkeypatch):
    """Every transfer's facts (company's and own together) are the facts spelt out one by one; also with the
    memo of enumerable fields cleared every few transfers (its bound)."""
    pack = advisor.pack
    cases = _cases(pack)
    for bound in (facts_mod.ENUMERATED, 3):
        monkeypatch.setattr(facts_mod, "ENUMERATED", bound)
        facts_mod._ENUMERATED.clear()
        for case in cases:
            tfs = screen_facts(case, pack)
            for tf, t in zip(tfs, case.profile.transfers, strict=True):
                plain = _plain_facts(case, pack, t)
                if t.local_list is not None:  # a named list: its facts come from its own scope (not spelt here)
                    for k in [k for k in tf.facts if k.startswith("transfer.local_list_")]:
                        plain.setdefault(k, tf.facts[k])
                assert tf.facts == plain, t.id
                assert tf.company is tfs[0].company  # one dict per case
                assert tf.shared.keys() == facts_mod.SHARED and not tf.fields.keys() & facts_mod.SHARED
                assert not tf.own.keys() & tf.company.keys()
        assert len(facts_mod._ENUMERATED) <= bound


def test_transfer_facts_is_given_whole_or_split():
    with pytest.raises(TypeError):
        TransferFacts(None, {"a": 1}, company={}, shared={}, fields={"b": 2})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        TransferFacts(None, company={}, fields={"b": 2})  # type: ignore[arg-type]
    whole = TransferFacts(None, {"a": 1})  # type: ignore[arg-type]
    assert whole.facts == {"a": 1} and whole.list_obstacles == []
    split = TransferFacts(None, company={"a": 1}, shared={"b": 2}, fields={"c": 3})  # type: ignore[arg-type]
    assert split.facts == {"a": 1, "b": 2, "c": 3} and split.own == {"b": 2, "c": 3}


def test_split_matching_is_whole_matching(advisor, durable_raw):
    """match_split gives, for every phase, rows subset and decisions, the vectors match_keyed gives for the
    whole dicts, and the rules durable_rules alone finds."""
    pack, matcher = advisor.pack, advisor.matcher
    assert isinstance(matcher, CachedMatcher)
    rng = random.Random(3)
    checked = 0
    for case in _cases(pack, 300, seed=9):
        tfs = screen_facts(case, pack)
        if not tfs:
            continue
        split = matcher.split(tfs[0].company, [(tf.shared, tf.fields) for tf in tfs])
        totals = {"company.counted_transfers": rng.randint(0, 4), "company.personal_info_total": rng.choice(
            [0, 1, 99_999, 100_000, 1_000_000]), "company.sensitive_info_total": rng.choice([0, 1, 9_999, 10_000]),
                  "company.all_info_total": rng.choice([0, 100_000, 2_000_000]), "company.deduplicated": False}
        only = sorted(rng.sample(range(len(tfs)), rng.randint(0, len(tfs))))
        decisions = [{"decision.pathway": rng.choice(["exempt", "security_assessment", "not_outbound"]),
                      "decision.exemption": rng.choice(["none", "emergency", "below_threshold"]),
                      "decision.trigger": rng.choice(["none", "volume", "ciio"])} for _ in only]
        for phase, tot, dec in (("screen", None, None), ("volume", totals, None), ("outcome", totals, decisions)):
            whole = [{**tfs[i].company, **(tot or {}), **(dec[j] if dec else {}), **tfs[i].own}
                     for j, i in enumerate(only)]
            ids, vectors = matcher.match_split(phase, case.as_of, split, tot, dec, only)
            want_ids, want_vectors = matcher.match_keyed(phase, case.as_of, whole)
            assert vectors == want_vectors
            assert [list(x) for x in ids] == want_ids == durable_raw.matcher.match(phase, case.as_of, whole)
            checked += 1
    assert checked > 600


def test_decide_without_split_is_decide_with_it(advisor, durable_raw):
    """decide() through a matcher with match_split (the memo) and through one without (durable_rules alone)."""
    for case in _cases(advisor.pack, 200, seed=17):
        a = decide(case, advisor.pack, advisor.matcher)
        b = decide(case, durable_raw.pack, durable_raw.matcher)
        assert [(d.pathway, d.exemption, d.trigger, d.deciding, d.hits, d.counted) for d in a.transfers] == \
            [(d.pathway, d.exemption, d.trigger, d.deciding, d.hits, d.counted) for d in b.transfers]
        assert (a.totals, a.company_totals) == (b.totals, b.company_totals)
        assert all(d.screen_key is not None for d in a.transfers)
        assert all(d.volume_key is None for d in b.transfers)


def test_a_profile_without_transfers(advisor, durable_raw):
    """No transfer: nothing to abstract (no company facts handed over either), the same empty decision."""
    raw = {"company": {"region": "440305", "sector": "ai", "established": "mainland"}, "transfers": []}
    case = check_profile(raw, advisor.pack)
    a = decide(case, advisor.pack, advisor.matcher)
    b = decide(case, durable_raw.pack, durable_raw.matcher)
    assert a.transfers == b.transfers == [] and a.totals == b.totals
    assert advisor.matcher.match_split("screen", case.as_of, advisor.matcher.split({}, [])) == ([], [])
    assert advisor.assess(raw)["transfers"] == []


def _fields(d: TransferDecision) -> tuple:
    return d.pathway, d.exemption, d.trigger, d.deciding, d.counted


def test_remembered_screen_and_volume_are_the_plain_ones(advisor, monkeypatch):
    """_screened/_volumed (remembered by the matched rules) set what _screen/_volume set, from any state the
    screen phase leaves; also with the memo cleared every few entries."""
    pack = advisor.pack
    seen = {"screen": set(), "volume": set()}
    real = advisor.matcher.match_split

    def spy(phase, *args, **kwargs):
        ids, vectors = real(phase, *args, **kwargs)
        if phase in seen:
            seen[phase].update(ids)
        return ids, vectors

    monkeypatch.setattr(advisor.matcher, "match_split", spy)
    for case in _cases(pack, 300, seed=23):
        try:
            decide(case, pack, advisor.matcher)
        except LookupError:
            pass
    monkeypatch.undo()
    assert len(seen["screen"]) > 10 and len(seen["volume"]) > 10
    dummy = TransferFacts(None, {})  # type: ignore[arg-type]
    for bound in (decide_mod.MEMO, 2):
        monkeypatch.setattr(decide_mod, "MEMO", bound)
        pack.memo.pop("screened", None)
        pack.memo.pop("volumed", None)
        for ids in sorted(seen["screen"]):
            a, b = TransferDecision(dummy), TransferDecision(dummy)
            _screen(a, [pack.by_id[i] for i in ids])
            _screened(b, pack, ids)
            assert _fields(a) == _fields(b), ids
            for start in ((None, "none"), ("emergency", "none"), ("below_threshold", "volume")):
                a, b = (TransferDecision(dummy, exemption=start[0], trigger=start[1]) for _ in range(2))
                for vids in sorted(seen["volume"]):
                    _volume(a, [pack.by_id[i] for i in vids])
                    _volumed(b, pack, vids)
                    assert _fields(a) == _fields(b), vids
        assert len(pack.memo["screened"]) <= bound and len(pack.memo["volumed"]) <= bound


def test_counting_window_is_remembered_exactly(advisor):
    pack = advisor.pack
    day = pack.meta.earliest_as_of
    while day < dt.date(2028, 1, 1):
        assert decide_mod.counting_window(pack, day) == decide_mod._counting_window(pack, day)
        day += dt.timedelta(days=37)


def test_shared_parts_remembered_by_identity_stay_exact(advisor, monkeypatch):
    """A shared dict's abstract part is remembered by the dict's identity: dicts made and dropped one after
    another (CPython hands a freed dict's address to the next one) each get their own part, also with the
    memo cleared every few dicts."""
    import advisor.engine.cache as cache

    transfer = advisor.matcher._transfer
    rng = random.Random(8)
    base = next(tf for case in _cases(advisor.pack, 20, seed=2) for tf in screen_facts(case, advisor.pack))
    for bound in (cache.SHARED_KNOWN, 2):
        monkeypatch.setattr(cache, "SHARED_KNOWN", bound)
        transfer._known.clear()
        for _ in range(3000):
            shared = {k: (rng.random() < 0.5 if isinstance(v, bool) else v) for k, v in base.shared.items()}
            shared["transfer.local_list_kind"] = rng.choice(["none", "negative_list", "general_data_list"])
            assert transfer.split(shared, base.fields) == transfer({**shared, **base.fields})
            del shared
        assert len(transfer._known) <= bound
    transfer._known.clear()


@pytest.mark.parametrize("name", ["facts.py", "decide.py", "questions.py", "facts_schema.py", "engine/cache.py"])
def test_the_disk_memo_and_answers_are_keyed_by_the_code_they_depend_on(monkeypatch, name):
    """The memo and the questions' remembered answers kept on disk are keyed by the code that makes them: a
    change in how facts are made, pathways decided or questions answered gives another key."""
    from pathlib import Path

    import advisor
    from advisor.engine import cache

    before = cache._code_digest()
    target = Path(advisor.__file__).parent / name
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: real(p) + (b"\n# changed" if p == target else b""))
    assert cache._code_digest() != before
