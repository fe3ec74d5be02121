"""tests/mutation_equivalents.yaml is reviewed like code: each entry names a mutant bench/mutate.py makes
today (an entry left behind by a moved or changed line would silently stop excusing anything, or excuse
the wrong line) and gives its reason."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from advisor.packs.yamlio import read_yaml

ROOT = Path(__file__).resolve().parents[1]


def _mutate():
    spec = importlib.util.spec_from_file_location("bench_mutate", ROOT / "bench" / "mutate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_mutate", module)     # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_equivalent_is_a_mutant_of_todays_tree_with_a_reason():
    mutate = _mutate()
    keys = {m.key for m in mutate.all_mutants(ROOT)}
    entries = read_yaml(ROOT / "tests" / "mutation_equivalents.yaml")["equivalents"]
    listed = mutate.load_equivalents()
    assert len(listed) == len(entries), "two entries name the same mutant"
    assert [k for k in listed if k not in keys] == []
    assert all(len(e["reason"]) > 20 for e in entries)
