"""The on-disk cache of parsed rules: same content, same result; anything odd falls back to parsing."""
from __future__ import annotations

import pickle

from advisor.packs import diskcache
from advisor.packs.loader import digest_of, load_pack
from advisor.service import RULES_DIR, Advisor


def test_a_cached_pack_is_the_freshly_loaded_one(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    first = Advisor.load(memo=False, engine="reference")
    assert len(list(tmp_path.glob("rulepack-*.pickle"))) == 1
    second = Advisor.load(memo=False, engine="reference")
    fresh = load_pack(RULES_DIR)
    assert second.pack.digest == fresh.digest == digest_of(RULES_DIR)
    assert [r.spec for r in second.pack.rules] == [r.spec for r in fresh.rules]
    profile = {"as_of": "2026-11-27", "company": {"region": "440305", "sector": "retail", "ciio": False},
               "transfers": [{"id": "t", "purpose": "marketing", "recipient": {"kind": "affiliate", "country": "HK"},
                              "personal_info_subjects": 200000}]}
    assert first.assess(profile) == second.assess(profile)


def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    calls = []
    value = diskcache.cached("thing", "d1", lambda: calls.append(1) or {"a": 1})
    (path,) = tmp_path.glob("thing-*.pickle")
    path.write_bytes(b"not a pickle")
    assert diskcache.cached("thing", "d1", lambda: calls.append(1) or {"a": 1}) == value
    assert len(calls) == 2 and pickle.loads(path.read_bytes()) == {"a": 1}


def test_other_content_means_another_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    assert diskcache.cached("thing", "d1", lambda: 1) == 1
    assert diskcache.cached("thing", "d1", lambda: 3) == 1
    assert diskcache.cached("thing", "d2", lambda: 2) == 2


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE_DIR", "off")
    assert diskcache.cached("thing", "d1", lambda: 1) == 1
    assert diskcache.cached("thing", "d1", lambda: 2) == 2


def test_an_unwritable_cache_folder_only_loses_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(blocker / "sub"))
    assert diskcache.cached("thing", "d1", lambda: 5) == 5


def test_an_entry_for_other_content_replaces_the_old_one(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    diskcache.cached("thing", "d1", lambda: 1)
    diskcache.cached("thing", "d2", lambda: 2)
    diskcache.cached("other", "d1", lambda: 3)
    names = sorted(p.name for p in tmp_path.glob("*.pickle"))
    assert [n.split("-")[0] for n in names] == ["other", "thing"]
    assert names[1].endswith("-d2.pickle")
