"""Start-up of `advisor assess` of one profile with a warm disk cache: what it must not import.

Each of these cost a short run 5-60 ms and is needed only in a case this run does not meet: yaml (a rules
file not yet in the disk cache, a YAML profile), holidays (a calendar year not yet built), importlib.metadata
(pulled in by pydantic when a validator or serializer is first built: the plain profile takes neither).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.profiles import profiles

NOT_NEEDED = ("yaml", "holidays", "importlib.metadata", "fastapi", "docx")
PROBE = ("import sys; from advisor.cli import main; code = main(['assess', '--format', 'jsonl', sys.argv[1]]); "
         f"print(' '.join(m for m in {NOT_NEEDED!r} if m in sys.modules), file=sys.stderr); sys.exit(code)")


def test_one_profile_with_a_warm_cache_imports_only_what_it_uses(tmp_path):
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profiles(1, seed=3)[0], ensure_ascii=False), encoding="utf-8")
    runs = [subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, env=env, timeout=120)
            for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr.decode()
        assert json.loads(run.stdout)["source"] == str(path)
    assert runs[0].stdout == runs[1].stdout
    assert runs[1].stderr.decode().strip() == "", f"imported on a warm cache: {runs[1].stderr.decode()}"


def test_a_batch_on_a_cold_cache_leaves_the_building_to_a_child(tmp_path):
    """The first batch after an install: a child process builds and stores the rules (their YAML read and
    validated there), so the batch process itself parses no YAML and keeps none of that memory; every
    profile is assessed, as on a warm cache."""
    from advisor.batch import CHUNK

    folder = tmp_path / "in"
    folder.mkdir()
    n = CHUNK + 20  # a batch (a single short run builds them itself)
    for i, p in enumerate(profiles(n, seed=5)):
        (folder / f"p{i:04d}.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    probe = PROBE.replace("sys.argv[1]]", "sys.argv[1], '--jobs', '1']")
    cold, warm = (subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, env=env,
                                 timeout=600) for _ in range(2))
    for run in (cold, warm):
        assert run.returncode == 0, run.stderr.decode()
        assert run.stdout.count(b"\n") == n
    assert cold.stdout == warm.stdout
    assert "yaml" not in cold.stderr.decode().split(), f"the batch process read YAML: {cold.stderr.decode()}"
    kinds = {p.name.split("-py")[0] for p in (tmp_path / "cache").iterdir()}
    assert {"rulepack", "gazetteer", "countries", "calendar", "memo"} <= kinds, kinds


def test_the_disk_cache_keeps_nothing_a_profile_wrote(tmp_path):
    """A consultant's clients stay out of ~/.cache: after a batch, no cache file holds a company name, transfer
    id, description, recipient name or address, nor an unusual count (the memo keeps a count's band)."""
    from advisor.batch import CHUNK

    folder = tmp_path / "in"
    folder.mkdir()
    for i, p in enumerate(profiles(CHUNK + 10, seed=9)):
        p["company"]["name"] = f"MARKER-company-{i}"
        for t in p["transfers"]:
            t["id"] = f"MARKER-id-{t['id']}"
            t["description"] = f"MARKER-description-{i}"
            t["recipient"]["name"], t["recipient"]["address"] = f"MARKER-recipient-{i}", "MARKER-address"
            t["personal_info_subjects"] = 1_234_567 + i
        (folder / f"p{i:04d}.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "advisor.cli", "assess", "--format", "jsonl", "--jobs", "1",
                          str(folder)], capture_output=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stdout.count(b"MARKER-id-") >= CHUNK  # (the output has them, of course)
    files = list((tmp_path / "cache").iterdir())
    for kind in ("hotpath-", "memo-", "answers-", "whole-"):
        assert any(f.name.startswith(kind) for f in files), kind
    for f in files:
        data = f.read_bytes()
        assert b"MARKER" not in data, f.name
        assert (1_234_567 + 5).to_bytes(4, "little") not in data, f.name  # (pickle's int encoding)
