"""The on-disk cache of parsed rules: same content, same result; anything odd falls back to parsing."""
from __future__ import annotations

import os
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


def test_entries_for_other_content_are_bounded_oldest_first(tmp_path, monkeypatch):
    """Several checkouts may share one cache folder: each kind keeps its KEEP newest entries."""
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    for i in range(diskcache.KEEP + 2):
        diskcache.cached("thing", f"d{i}", lambda i=i: i)
        (path,) = tmp_path.glob(f"thing-*-d{i}-*.pickle")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))  # distinct ages whatever the clock's resolution
    diskcache.cached("other", "d1", lambda: 3)
    names = {p.name.split("-")[0] + "-" + p.name.split("-")[2] + ".pickle" for p in tmp_path.glob("*.pickle")}
    kept = {f"thing-d{i}.pickle" for i in range(2, diskcache.KEEP + 2)}
    assert names == kept | {"other-d1.pickle"}
    assert diskcache.cached("thing", "d0", lambda: "rebuilt") == "rebuilt"


def test_a_pickle_made_by_other_code_is_never_loaded(tmp_path, monkeypatch):
    """Another version of the advisor (or another checkout) sharing the folder: same YAML, other code."""
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    diskcache.cached("thing", "same-yaml", lambda: "made by this code")
    monkeypatch.setattr(diskcache, "_CODE", ["0123456789abcdef"])
    assert diskcache.cached("thing", "same-yaml", lambda: "rebuilt") == "rebuilt"


def test_what_a_file_holds_is_rebuilt_when_its_bytes_change(tmp_path, monkeypatch):
    """cached_files (countries, labels, filing packs, instrument titles): keyed by the files' bytes."""
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "words.yaml"
    src.write_text("a: 1\n")
    built = []

    def build() -> str:
        built.append(1)
        return src.read_text()

    assert diskcache.cached_files("words", [src], build) == "a: 1\n"
    assert diskcache.cached_files("words", [src], build) == "a: 1\n" and len(built) == 1
    src.write_text("a: 2\n")
    assert diskcache.cached_files("words", [src], build) == "a: 2\n" and len(built) == 2


def test_countries_come_from_the_disk_cache(tmp_path, monkeypatch):
    """A warm start reads no countries YAML (start-up), and what it gets equals a fresh read."""
    from advisor import countries

    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path))
    countries.default_countries.cache_clear()
    fresh = countries.default_countries()
    countries.default_countries.cache_clear()

    def no_yaml(*a, **k):
        raise AssertionError("read the YAML again")

    monkeypatch.setattr(countries.Countries, "load", no_yaml)
    try:
        warm = countries.default_countries()
        assert warm.get("SG") == fresh.get("SG") and warm.get("新加坡") == fresh.get("新加坡")
    finally:
        countries.default_countries.cache_clear()
