"""The exact shortcuts of the assessment path change nothing: the same bytes with and without them.

- questions.route_blind: a question whose alternative answers cannot change a pathway is not decided again.
"""
from __future__ import annotations

import orjson
import pytest

from advisor import questions
from advisor.service import Advisor
from tests.test_cache_identity import VALID, _generated


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.load()


def test_route_blind_questions_answer_as_deciding_again(advisor, monkeypatch):
    profiles = VALID + _generated(1500, seed=29)
    short = [orjson.dumps(advisor.assess(p)) for p in profiles]
    blind = [r.spec.id for r in advisor.pack.rules if r.spec.kind == "question" and questions.route_blind(r, advisor.pack)]
    assert blind, "some question is route-blind in the shipped pack"
    asked = sum(any(q["rule"] in blind for q in orjson.loads(b)["questions"]) for b in short)
    assert asked > 100  # the shortcut was taken often
    monkeypatch.setattr(questions, "route_blind", lambda r, pack: False)
    advisor.pack.memo.pop("questions_of", None)  # it keeps each question's route_blind
    long = [orjson.dumps(advisor.assess(p)) for p in profiles]
    diffs = [p for p, a, b in zip(profiles, short, long) if a != b]
    assert not diffs, f"{len(diffs)} profiles differ, first: {diffs[0]}"
