"""GET /healthz: 200 with the rule-pack digest while the database answers (no key needed)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from advisor_api.errors import respond
from advisor_api.schemas import Health, errors

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=None, responses={200: {"model": Health}, **errors(503)})
def healthz(request: Request) -> JSONResponse:
    state = request.app.state
    try:
        with state.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - reported, not raised: this is the health check
        return respond(503, "unavailable", f"database unavailable: {type(err).__name__}")
    return JSONResponse({"status": "ok", "rulepack": state.advisor.rulepack, "database": "ok"})
