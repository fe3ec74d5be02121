"""Generated company profiles for benchmarks and property tests (deterministic with a seed)."""
from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from advisor.vocab import PURPOSES, SECTORS

REGIONS = ["310115", "440305", "440115", "120116", "110105", "460100", "330106", "500112", "510104", "420102"]
COUNTRIES = ["US", "DE", "HK", "MO", "SG", "JP", "CN", "GB"]
COUNTS = [0, 1, 5_000, 9_999, 10_000, 60_000, 99_999, 100_000, 150_000, 999_999, 1_000_000, 2_000_000]


def profile(rng: random.Random, n_transfers: int = 3, as_of: str = "2026-11-27") -> dict[str, Any]:
    transfers = []
    for i in range(n_transfers):
        transfers.append({
            "id": f"t{i + 1}",
            "purpose": rng.choice(sorted(PURPOSES)),
            "recipient": {"kind": rng.choice(["affiliate", "third_party", "processor", "individual"]),
                          "country": rng.choice(COUNTRIES)},
            "personal_info_subjects": rng.choice(COUNTS),
            "sensitive_info_subjects": rng.choice([0, 0, 0, 1, 500, 9_999, 10_000]),
            "important_data": rng.choice([False, False, False, True, None]),
            "collected_abroad": rng.random() < 0.1,
        })
    return {"as_of": as_of,
            "company": {"name": "基准测试公司", "region": rng.choice(REGIONS), "sector": rng.choice(sorted(SECTORS)),
                        "ciio": rng.choice([False, False, False, True, None])},
            "transfers": transfers}


def profiles(n: int, seed: int = 7, n_transfers: int = 3) -> list[dict[str, Any]]:
    return list(iter_profiles(n, seed, n_transfers))


def iter_profiles(n: int, seed: int = 7, n_transfers: int = 3) -> Iterator[dict[str, Any]]:
    """The same profiles one at a time (a memory figure that holds none of them)."""
    rng = random.Random(seed)
    for _ in range(n):
        yield profile(rng, n_transfers)
