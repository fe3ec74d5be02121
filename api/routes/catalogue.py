"""GET /v1/measures (regional catalogue) and GET /v1/rules (the rule pack), both auth-checked."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from advisor_api.deps import AdvisorDep, day_query, get_owner, known_query
from advisor_api.inputs import parse_day
from advisor_api.schemas import Measures, RulesSummary, errors
from advisor_api.storage.assessments import dumps

router = APIRouter(prefix="/v1", tags=["catalogue"], dependencies=[Depends(get_owner), Depends(known_query)])
Filter = Annotated[str | None, Query(min_length=1, max_length=100)]


@router.get("/measures", response_model=None, responses={200: {"model": Measures}, **errors(401, 403, 422)})
def measures(advisor: AdvisorDep, region: Filter = None, zone: Filter = None, sector: Filter = None,
             as_of: Annotated[str | None, day_query("Judge status at this date (YYYY-MM-DD).", "2026-11-27")] = None
             ) -> Response:
    """Regional facilitation measures, filtered by place, zone, sector and date."""
    notes: list[str] = []
    rows = advisor.measures(region=region, zone=zone, sector=sector, as_of=parse_day(as_of, "query.as_of"), notes=notes)
    return Response(dumps({"measures": rows, "notes": notes}), media_type="application/json")


@router.get("/rules", response_model=None, responses={200: {"model": RulesSummary}, **errors(401, 403)})
def rules(request: Request) -> Response:
    """Rule-pack version, digest, and every rule's id, title and citations."""
    return Response(request.app.state.rules_body, media_type="application/json")
