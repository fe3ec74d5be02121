"""A real server (uvicorn, 2 workers): concurrent clients, and a crash right after acknowledging."""
from __future__ import annotations

import copy
import signal
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from advisor_api.openapi import examples
from api_fake import FakeAdvisor
from api_server import server

pytestmark = pytest.mark.slow


def mixed_profiles(n: int) -> list[dict]:
    base = [e["value"] for e in examples().values()]  # valid and invalid golden profiles
    out = []
    for i in range(n):
        p = copy.deepcopy(base[i % len(base)])
        if "transfers" in p and p["transfers"]:
            p["transfers"][0]["personal_info_subjects"] = (i * 7919) % 1_500_000
        out.append(p)
    return out


def expected(profile: dict) -> tuple[int, dict]:
    from advisor.errors import ProfileError

    try:
        return 201, FakeAdvisor().assess(profile)
    except ProfileError as err:
        return 422, {"errors": [e.as_dict() for e in err.errors]}


def test_8_clients_posting_100_mixed_profiles_each_get_their_own_answers(tmp_path):
    profiles = mixed_profiles(800)
    with server(tmp_path, workers=2) as (base, _):
        def run(chunk: list[dict]) -> list[tuple[httpx.Response, bytes | None]]:
            with httpx.Client(base_url=base, timeout=30) as c:
                posted = [c.post("/v1/assessments", json=p) for p in chunk]
                return [(r, c.get(r.headers["location"]).content if r.status_code == 201 else None)
                        for r in posted]

        with ThreadPoolExecutor(8) as pool:
            answers = [r for rs in pool.map(run, [profiles[i::8] for i in range(8)]) for r in rs]
        ordered = [p for i in range(8) for p in profiles[i::8]]
        for profile, (r, read_back) in zip(ordered, answers, strict=True):
            status, want = expected(profile)
            assert r.status_code == status, r.text
            got = r.json()
            if status == 201:
                assert {k: v for k, v in got.items() if k not in ("id", "lang")} == want
                assert read_back == r.content
            else:
                assert got["error"]["errors"] == want["errors"]


def test_an_acknowledged_assessment_survives_a_crash(tmp_path):
    profile = examples()["v15-gba-hk"]["value"]
    with server(tmp_path, workers=1) as (base, proc):
        acked = [httpx.post(f"{base}/v1/assessments", json=profile, timeout=30) for _ in range(20)]
        assert all(r.status_code == 201 for r in acked)
        proc.send_signal(signal.SIGKILL)  # no shutdown, no flush: only what was committed remains
        proc.wait(10)
    with server(tmp_path, workers=1) as (base, _):
        for r in acked:
            assert httpx.get(f"{base}/v1/assessments/{r.json()['id']}").content == r.content
