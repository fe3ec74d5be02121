"""The caches change nothing: byte-identical assessments with and without them.

Cached: durable_rules behind the memo, the memo loaded from the disk cache a first process saved (what
a second run and every --jobs worker use), calendar years and deadline rules from the disk cache.
Also each transfer's body (all but its id) built once per decision and reused (advisor/assess.py), and the
batch hot path (advisor/hotpath.py: no pydantic, bodies, measures, deadlines and names kept pre-serialized).
Uncached: durable_rules alone, every fact vector matched afresh, every transfer body built afresh. Both
serialised as the CLI does.
"""
from __future__ import annotations

import copy
import datetime as dt
import random

import orjson
import pytest

from advisor.errors import ProfileError
from advisor.hotpath import HotPath
from advisor.service import Advisor
from bench.profiles import profile
from tests.casefile import load_golden_cases, load_own_cases, load_samples

CASES = load_golden_cases() + load_own_cases() + load_samples()
VALID = [c["profile"] for c in CASES if not c["expect"].get("error")]
INVALID = [c["profile"] for c in CASES if c["expect"].get("error")]
REGIONS = ["310115", "440305", "440115", "120116", "110105", "460100", "330106", "500112", "510104", "420102",
           "350203", "320505"]


def _generated(n: int, seed: int) -> list[dict]:
    """Varied: 1-6 transfers, dates across the rules' effective-date boundaries, regions with lists."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = f"{rng.choice([2024, 2025, 2026, 2027])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        p = profile(rng, rng.randint(1, 6), as_of=day)
        p["company"]["region"] = rng.choice(REGIONS)
        out.append(p)
    return out


@pytest.fixture(scope="module")
def cached(tmp_path_factory) -> Advisor:
    import os

    folder = tmp_path_factory.mktemp("cache")
    old = os.environ.get("ADVISOR_CACHE_DIR")
    os.environ["ADVISOR_CACHE_DIR"] = str(folder)
    try:
        first = Advisor.load()
        first.matcher.restore_answers()  # (as a batch does: only then are its answers saved)
        for p in _generated(300, seed=1):
            first.assess(p)
        first.matcher.save()
        assert list(folder.glob("memo-*.pickle")), "the memo was saved"
        second = Advisor.load()  # starts from what the first one learnt
        assert second.matcher._memo, "the saved memo was loaded"
        assert not second.matcher.answers, "a short run does not load the answers"
        second.matcher.restore_answers()
        assert second.matcher.answers, "the questions' saved answers were loaded (every test below runs on them)"
        yield second
    finally:
        if old is None:
            os.environ.pop("ADVISOR_CACHE_DIR", None)
        else:
            os.environ["ADVISOR_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def uncached() -> Advisor:
    return Advisor.load(memo=False)


def _bytes(advisor: Advisor, p: dict) -> bytes:
    return orjson.dumps(advisor.assess(p))


def test_every_case_byte_identical(cached, uncached):
    for p in VALID:
        assert _bytes(cached, p) == _bytes(uncached, p)


def test_generated_profiles_byte_identical(cached, uncached):
    hits = cached.matcher.hits
    diffs = [p for p in _generated(2000, seed=13) if _bytes(cached, p) != _bytes(uncached, p)]
    assert not diffs, f"{len(diffs)} profiles differ, first: {diffs[0]}"
    assert cached.matcher.hits > hits  # the memo answered
    bodies = cached.pack.memo.get("transfer_bodies", {})
    assert 0 < len(bodies) < 2000 * 3  # transfer bodies were reused
    assert not uncached.pack.memo.get("transfer_bodies")


def test_the_hot_path_dicts_are_valid_assessments(cached):
    """The batch path builds plain dicts; the typed model (advisor/models/assessment.py) is their oracle."""
    from advisor.models.assessment import validate_assessment

    for p in _generated(150, seed=17):
        validate_assessment(orjson.loads(_bytes(cached, p)))


# ---- the batch hot path (advisor/hotpath.py) ---------------------------------------------------------

@pytest.fixture(scope="module")
def hot(cached) -> HotPath:
    """One hot path for the whole module: its caches are warm with every profile the tests gave it before,
    so a key that leaves out something the output depends on shows up as a difference."""
    return HotPath(cached)


def _line(advisor: Advisor, p: dict, source: str = "p.json", as_of: dt.date | None = None) -> bytes:
    """What the full way writes: the assessment, its source last, one line."""
    out = advisor.assess(p, source=source, as_of=as_of)
    out["source"] = source
    return orjson.dumps(out, option=orjson.OPT_APPEND_NEWLINE)


def _same(hot: HotPath, uncached: Advisor, profiles: list[dict], as_of: dt.date | None = None) -> list[dict]:
    return [p for p in profiles if hot.line(p, "p.json", as_of) != _line(uncached, p, as_of=as_of)]


def test_hot_path_every_case_byte_identical(hot, uncached):
    plain = hot.plain
    diffs = _same(hot, uncached, VALID)
    assert not diffs, f"{len(diffs)} cases differ, first: {diffs[0]}"
    assert hot.plain - plain > len(VALID) // 2  # most cases are plain: the hot path itself was compared


def test_hot_path_generated_profiles_byte_identical(hot, uncached):
    generated = _generated(3000, seed=29)
    plain = hot.plain
    diffs = _same(hot, uncached, generated)
    assert not diffs, f"{len(diffs)} profiles differ, first: {diffs[0]}"
    assert hot.plain - plain == len(generated)


def test_hot_path_without_as_of(hot, uncached):
    """No as_of: today in Asia/Shanghai, both ways (and the echoed profile keeps its null)."""
    undated = []
    for p in _generated(100, seed=59):
        del p["as_of"]
        undated.append(p)
    assert not _same(hot, uncached, undated)


def test_hot_path_with_as_of_option(hot, uncached):
    day = dt.date(2025, 3, 1)
    diffs = _same(hot, uncached, VALID[:60] + _generated(200, seed=31), as_of=day)
    assert not diffs


def test_hot_path_bad_profiles_give_the_full_way_errors(hot, uncached):
    for p in INVALID:
        with pytest.raises(ProfileError) as want:
            uncached.assess(p, source="p.json")
        with pytest.raises(ProfileError) as got:
            hot.line(p, "p.json")
        assert str(got.value) == str(want.value)


def _neighbours(p: dict) -> list[dict]:
    """Profiles that differ from ``p`` in one field: what a key too coarse would mix up."""
    out = []

    def variant(change) -> None:
        q = copy.deepcopy(p)
        change(q)
        out.append(q)

    day = dt.date.fromisoformat(p["as_of"])
    for delta in (-1, 1, -366, 365):
        variant(lambda q, d=delta: q.__setitem__("as_of", (day + dt.timedelta(days=d)).isoformat()))
    c = p["company"]
    for name, values in (("region", ["310115", "440305", "120116", "460100", "350203", "110105", "440304"]),
                         ("sector", ["automotive", "finance", "retail", "health"]),
                         ("ciio", [True, False, None]), ("name", ["甲公司", None]),
                         ("hr_rules_in_place", [True, False]), ("large_platform", [True, False]),
                         ("personal_info_processed", [999_999, 1_000_000])):
        for v in values:
            if c.get(name) != v:
                variant(lambda q, n=name, v=v: q["company"].__setitem__(n, v))
    for i, t in enumerate(p["transfers"]):
        for name, values in (("personal_info_subjects", [t["personal_info_subjects"] + 1, 9_999, 10_000, 99_999,
                                                         100_000, 999_999, 1_000_000]),
                             ("sensitive_info_subjects", [t["sensitive_info_subjects"] + 1, 0, 1, 9_999, 10_000]),
                             ("important_data", [True, False, None]), ("collected_abroad", [True, False]),
                             ("purpose", ["hr_management", "marketing", "cross_border_shopping", "contract_performance"]),
                             ("necessary", [True, False, None]), ("core_data", [True, None]),
                             ("onward_transfer", ["outside_gba", None]), ("description", ["发货", None]),
                             ("id", [f"x{i}"]), ("special_categories", [["automotive"], []])):
            for v in values:
                if t.get(name) != v:
                    variant(lambda q, i=i, n=name, v=v: q["transfers"][i].__setitem__(n, v))
        for country in ("CN", "HK", "MO", "US"):
            variant(lambda q, i=i, c=country: q["transfers"][i]["recipient"].__setitem__("country", c))
        for kind in ("affiliate", "individual"):
            variant(lambda q, i=i, k=kind: q["transfers"][i]["recipient"].__setitem__("kind", k))
    return out


def test_hot_path_neighbours_byte_identical(hot, uncached):
    """Each base profile, then every profile one field away, through the same warm caches."""
    from advisor.vocab import SECTORS

    bases = _generated(12, seed=37)
    bases[0]["company"]["region"], bases[1]["company"]["region"] = "440305", "310115"  # GBA, a list region
    checked = 0
    for base in bases:
        for p in [base, *_neighbours(base)]:
            if p["company"].get("sector") not in SECTORS:
                continue
            try:
                want = _line(uncached, p)
            except ProfileError:
                continue
            assert hot.line(p, "p.json") == want, p
            checked += 1
    assert checked > 12 * 60


PLAIN_MUTATIONS = [1.0, 2.5, "1", True, False, 0, None, [], {}, -1, 10_000_000_001, 10_000_000_000, "us", "美国",
                   "Hong Kong", "ZZ", "", ["pudong"], ["qianhai"], "pudong", {"id": "x", "data_on_list": True},
                   "t 1", "t.1", "x" * 2001, "2026-02-30", "2026-1-1", 20261127]


def test_plain_check_never_accepts_what_pydantic_refuses_or_converts(hot):
    """The hot path's own field checks against the typed model: whatever they accept, the model accepts and
    dumps to exactly the dicts the hot path echoes; anything else goes the full way."""
    from advisor.hotpath import Fallback
    from advisor.models.profile import Profile
    from advisor.profile_io import resolve_countries

    rng = random.Random(41)
    accepted = 0
    for p in _generated(3000, seed=43):
        q = copy.deepcopy(p)
        where = rng.choice(["as_of", "company", "transfer", "recipient", "extra"])
        value = rng.choice(PLAIN_MUTATIONS)
        if where == "as_of":
            q["as_of"] = value
        elif where == "company":
            q["company"][rng.choice(["name", "region", "sector", "ciio", "zones", "established",
                                     "personal_info_processed", "large_platform"])] = value
        elif where == "transfer":
            q["transfers"][0][rng.choice(["id", "purpose", "personal_info_subjects", "important_data",
                                          "collected_abroad", "special_categories", "onward_transfer",
                                          "local_list", "description"])] = value
        elif where == "recipient":
            q["transfers"][0]["recipient"][rng.choice(["country", "kind", "name"])] = value
        else:
            q[rng.choice(["approvals", "notes"])] = value
        try:
            got = hot._plain(q, None)
        except Fallback:
            continue
        accepted += 1
        raw, errors = resolve_countries(q)
        assert not errors
        assert got == Profile.model_validate(raw).model_dump(mode="json"), q
    assert accepted > 300


def test_hot_path_lines_are_valid_assessments(hot):
    from advisor.models.assessment import validate_assessment

    for p in _generated(150, seed=47) + VALID[:50]:
        line = orjson.loads(hot.line(p, "p.json"))
        del line["source"]
        validate_assessment(line)


def test_citations_as_dict_is_their_dump(cached):
    """Citation.as_dict skips pydantic's serializer (start-up): it must stay model_dump(exclude_none=True)."""
    for r in cached.pack.rules:
        for c in r.spec.basis:
            assert c.as_dict() == c.model_dump(exclude_none=True)


def test_periods_as_dict_is_their_dump():
    """Period.as_dict skips pydantic's serializer (start-up): it must stay model_dump()."""
    from advisor.deadlines.rules import default_deadline_rules

    periods = [v.period for r in default_deadline_rules().deadlines for v in r.variants]
    assert periods
    for p in periods:
        assert p.as_dict() == p.model_dump()


def test_field_facts_are_all_a_field_changes(cached):
    """A question's alternative answer to a field of FIELD_FACTS is decided from the base facts with just that
    field's facts replaced (advisor.decide.pathways_after_change): building them all again gives the same."""
    from advisor.facts import FIELD_FACTS, screen_facts
    from advisor.profile_io import check_profile
    from advisor.questions import _set

    values = {"onward_transfer": ["none", "within_gba", "outside_gba", None]}
    for p in _generated(120, seed=53) + VALID[:40]:
        try:
            case = check_profile(p, cached.pack)
        except ProfileError:
            continue
        base = screen_facts(case, cached.pack)
        for at, tf in enumerate(base):
            for name, facts_of in FIELD_FACTS.items():
                for v in values.get(name, [True, False, None]):
                    alt = check_profile(_set(case.profile, f"transfers.{tf.transfer.id}.{name}", v, at).model_dump(
                        mode="json"), cached.pack, as_of=case.as_of)
                    (again,) = screen_facts(alt, cached.pack, only=tf.transfer.id, at=at)
                    assert again.facts == {**tf.facts, **facts_of(v)}
                    assert (again.list_obstacles, again.gba_measure) == (tf.list_obstacles, tf.gba_measure)


def test_remembered_question_answers_are_used_and_exact(tmp_path, monkeypatch, uncached):
    """advisor.questions remembers an alternative answer's effect by the transfers' abstract vectors: a fresh
    advisor, the same profiles twice (the second time answered from what the first learnt), byte-identical to
    durable_rules alone each time, with answers made the first time only. (A key that leaves out what the
    answer depends on makes the tests of this module and of tests/test_question_memo.py fail.)"""
    import advisor.questions as questions

    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    fresh = Advisor.load()
    made = [0]
    keep = questions._keep

    def counting(answers, key, value):
        made[0] += answers is fresh.matcher.answers
        return keep(answers, key, value)

    monkeypatch.setattr(questions, "_keep", counting)
    profiles = _generated(400, seed=61)
    seen = []
    for _ in range(2):
        made[0] = 0
        diffs = [p for p in profiles if _bytes(fresh, p) != _bytes(uncached, p)]
        assert not diffs, f"{len(diffs)} profiles differ, first: {diffs[0]}"
        seen.append(made[0])
    assert fresh.matcher.answers, "answers were remembered"
    assert seen[0] > 100 and seen[1] == 0, seen


def _tree(v: object) -> object:
    """A view as nested plain values (what the decision code can read of it)."""
    if isinstance(v, list):
        return [_tree(x) for x in v]
    if hasattr(v, "model_dump") and hasattr(v, "__dict__"):
        return {k: _tree(x) for k, x in vars(v).items()}
    return v


def test_the_profile_view_is_the_generic_view(hot):
    """``_profile_view`` (built from the plain shape) reads exactly as ``_View`` (which looks for every dict)."""
    from advisor.hotpath import _profile_view, _View

    ps = _generated(300, seed=41)
    ps[0]["transfers"][0]["local_list"] = {"id": "bj-ftz-nl-2024", "data_on_list": False}
    seen = lists = 0
    for p in ps:
        try:
            plain = hot._plain(p, None)
        except Exception:  # noqa: BLE001 - not plain: not what the view is for
            continue
        assert _tree(_profile_view(plain)) == _tree(_View(plain))
        seen += 1
        lists += any(t["local_list"] for t in plain["transfers"])
    assert seen > 250 and lists


def test_a_restored_hot_path_is_byte_identical(cached, uncached, tmp_path, monkeypatch):
    """What one batch keeps for the next (``HotPath.save``/``restore``: transfer bodies, measures' rows) gives the
    same bytes: on the profiles the first batch saw, on others, and on their neighbours; and it holds nothing a
    profile wrote."""
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    first = HotPath(cached)
    seen = _generated(250, seed=43)
    for p in seen:
        first.line(p, "p.json")
    first.save()
    assert list(tmp_path.glob("hotpath-*.pickle")), "the hot path's parts were saved"
    second = HotPath(cached)
    second.restore()
    assert second._bodies and second._measures and second._rows, "the saved parts were taken up"
    assert not second._deadlines and not second._names, "nothing a profile wrote (ids, descriptions) is kept"
    saved = b"".join(f.read_bytes() for f in tmp_path.glob("hotpath-*.pickle"))
    assert b"p.json" not in saved and seen[0]["company"]["name"].encode() not in saved
    others = _generated(120, seed=44)
    near = [q for p in others[:4] for q in _neighbours(p) if _valid(uncached, q)]
    assert len(near) > 100
    diffs = _same(second, uncached, seen + others + near)
    assert not diffs, f"{len(diffs)} profiles differ, first: {diffs[0]}"


def test_what_a_worker_hands_over_gives_the_same_bytes(cached, uncached):
    """A --jobs worker's new bodies and measures' entries (``track``/``take_new``), taken up by the parent
    (``learn``), give the same bytes there; and the worker hands each over once."""
    worker = HotPath(cached)
    worker.track()
    seen = _generated(200, seed=45)
    for p in seen:
        worker.line(p, "p.json")
    new = worker.take_new()
    assert len(new["bodies"]) == len(worker._bodies) and len(new["measures"]) == len(worker._measures)
    assert worker.take_new() == {"bodies": {}, "measures": {}}, "nothing is handed over twice"
    parent = HotPath(cached)
    parent.learn(new)
    assert parent._bodies.keys() == worker._bodies.keys() and parent._measures.keys() == worker._measures.keys()
    made = parent._learnt()
    assert made == len(new["bodies"]) + len(new["measures"]), "what was taken up counts as learnt (it is saved)"
    diffs = _same(parent, uncached, seen)
    assert not diffs, f"{len(diffs)} profiles differ, first: {diffs[0]}"
    assert parent._learnt() - made == len(parent._rows), "no body or measures' entry was made again"
    assert HotPath(cached).take_new() == {}, "a hot path that does not track hands nothing over"


def test_a_worker_hands_over_the_answers_it_remembered(tmp_path, monkeypatch):
    from advisor.engine.cache import PERSISTED_ANSWERS

    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    parent = Advisor.load()
    parent.matcher.restore_answers()
    parent.matcher.answers[("restored", 0)] = True
    parent.matcher.save()
    parent = Advisor.load()
    parent.matcher.restore_answers()
    assert parent.matcher.answers == {("restored", 0): True}
    worker = parent.matcher  # (a forked worker's copy starts from the parent's)
    worker.answers[("new", 1)] = False
    worker.answers[("new", 2)] = True
    assert worker.take_new_kept()["answers"] == [(("new", 1), False), (("new", 2), True)]
    assert worker.take_new_kept() == {"answers": [], "whole": []}
    worker.answers.clear()  # (the questions clear them when full: then every one is new)
    worker.answers[("new", 3)] = True
    assert worker.take_new_kept()["answers"] == [(("new", 3), True)]
    other = Advisor.load().matcher
    other.learn_kept({"answers": [(("new", i), True) for i in range(2 * PERSISTED_ANSWERS + 5)]})
    assert len(other.answers) == 2 * PERSISTED_ANSWERS and ("new", 4) not in other.answers
    assert ("new", 2 * PERSISTED_ANSWERS + 4) in other.answers


def test_a_batch_keeps_the_whole_vector_memo_for_the_next(cached, uncached, tmp_path, monkeypatch):
    """The whole-vector memo (vector -> matched rules) is kept by a batch, taken up by the next, and gives the same
    bytes; a short run neither loads nor saves it."""
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    first = Advisor.load()
    first.matcher.restore_answers()
    seen = _generated(150, seed=46)
    for p in seen:
        HotPath(first).line(p, "p.json")
    learnt = dict(first.matcher._whole)
    assert learnt
    first.matcher.save()
    assert len(list(tmp_path.glob("whole-*.pickle"))) == 1
    short = Advisor.load()
    assert not short.matcher._whole, "a short run does not load it"
    short.matcher.save()
    second = Advisor.load()
    second.matcher.restore_answers()
    assert second.matcher._whole == learnt
    hot = HotPath(second)
    misses = second.matcher.misses
    diffs = _same(hot, uncached, seen)
    assert not diffs and second.matcher.misses == misses, "the same bytes, and every vector was known"


def _valid(advisor: Advisor, p: dict) -> bool:
    try:
        advisor.assess(p)
    except ProfileError:
        return False
    return True


def test_a_saved_hot_path_of_another_version_is_ignored(cached, tmp_path, monkeypatch):
    from advisor.hotpath import SAVED
    from advisor.packs import diskcache

    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    diskcache.store(SAVED, cached.pack.digest.split(":")[-1], {"version": -1, "bodies": {("x",): [b"bad"]}})
    hot = HotPath(cached)
    hot.restore()
    assert not hot._bodies


def test_saved_answers_leave_a_batch_room_and_a_short_run_keeps_them(tmp_path, monkeypatch):
    """The newest PERSISTED_ANSWERS answers are kept (at most half the questions' cap, so a batch that takes them
    up does not clear them at once); a run that did not take them up never saves over them."""
    from advisor.engine.cache import PERSISTED_ANSWERS
    from advisor.questions import ANSWERS

    assert PERSISTED_ANSWERS <= ANSWERS // 2
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    batch = Advisor.load()
    batch.matcher.restore_answers()
    for i in range(PERSISTED_ANSWERS + 50):
        batch.matcher.answers[("test", i)] = True
    batch.matcher.save()
    short = Advisor.load()
    short.matcher.answers[("short", 0)] = True
    short.matcher.save()
    again = Advisor.load()
    again.matcher.restore_answers()
    assert len(again.matcher.answers) == PERSISTED_ANSWERS
    assert ("test", PERSISTED_ANSWERS + 49) in again.matcher.answers and ("test", 0) not in again.matcher.answers
    assert ("short", 0) not in again.matcher.answers


def test_the_saved_memo_is_the_newest_and_bounded(tmp_path, monkeypatch):
    """At most PERSISTED memo entries are kept, the newest (a one-profile run loads them all at start-up)."""
    from advisor.engine.cache import PERSISTED

    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    first = Advisor.load()
    first.assess(_generated(1, seed=3)[0])
    real = dict(first.matcher._memo)
    first.matcher._memo.clear()
    for i in range(PERSISTED):
        first.matcher._memo[("test", i)] = ()
    first.matcher._memo.update(real)  # (the real entries are the newest)
    first.matcher._dirty = True
    first.matcher.save()
    again = Advisor.load()
    assert len(again.matcher._memo) == PERSISTED
    assert real.keys() <= again.matcher._memo.keys() and ("test", 0) not in again.matcher._memo


def test_the_plain_shape_fills_each_field_as_pydantic_does():
    """The hot path's defaults (``_defaults``, which calls each factory itself) are pydantic's own
    ``get_default(call_default_factory=True)``, a new list each time for a list default."""
    from advisor.hotpath import _defaults
    from advisor.models.profile import Company, LocalList, Recipient, Transfer

    for model in (Company, Transfer, Recipient, LocalList):
        ours = _defaults(model)
        theirs = [(n, f.get_default(call_default_factory=True)) for n, f in model.model_fields.items()]
        assert ours == theirs and [type(v) for _, v in ours] == [type(v) for _, v in theirs], model.__name__
        again = dict(_defaults(model))
        assert all(again[n] is not v for n, v in ours if type(v) is list), "a list default is shared"
