"""GET /v1/measures (regional catalogue) and GET /v1/rules (the rule pack), both auth-checked."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from advisor_api.deps import AdvisorDep, get_owner
from advisor_api.schemas import Measures, RulesSummary, errors
from advisor_api.storage.assessments import dumps

router = APIRouter(prefix="/v1", tags=["catalogue"], dependencies=[Depends(get_owner)])
Filter = Annotated[str | None, Query(max_length=100)]


@router.get("/measures", response_model=None, responses={200: {"model": Measures}, **errors(401, 422)})
def measures(advisor: AdvisorDep, region: Filter = None, zone: Filter = None, sector: Filter = None,
             as_of: Annotated[dt.date | None, Query(description="Judge status at this date (ISO).")] = None
             ) -> Response:
    """Regional facilitation measures, filtered by place, zone, sector and date."""
    rows = advisor.measures(region=region, zone=zone, sector=sector, as_of=as_of)
    return Response(dumps({"measures": rows}), media_type="application/json")


@router.get("/rules", response_model=None, responses={200: {"model": RulesSummary}, **errors(401)})
def rules(request: Request) -> Response:
    """Rule-pack version, digest, and every rule's id, title and citations."""
    return Response(request.app.state.rules_body, media_type="application/json")
