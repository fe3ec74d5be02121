"""Re-assessing the caller's portfolio as a job: POST /v1/portfolio:reassess, GET /v1/jobs/{id} and its
paged changes. Stored assessments are only read; each job belongs to the key that made it (404 for others)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from advisor_api.deps import AdvisorDep, JsonBody, OwnerDep, known_query
from advisor_api.errors import ApiError
from advisor_api.jobs.models import JOB_ID, ChangesPage, JobCreated, JobView, ReassessRequest, example
from advisor_api.schemas import errors
from advisor_api.storage.assessments import dumps

router = APIRouter(prefix="/v1", tags=["portfolio"], dependencies=[Depends(known_query)])
_ASSESSMENT_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_IDS = 100_000


def _refuse(field: str, message: str, value: Any = None) -> ApiError:
    return ApiError(422, f"{field}: {message}", errors=[{"field": field, "message": message, "value": value}])


def _as_of(body: dict[str, Any], advisor: Any) -> dt.date:
    if "as_of" not in body:
        return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # Asia/Shanghai has no DST
    value = body["as_of"]
    day = None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if day is None:
        raise _refuse("body.as_of", "not a date (YYYY-MM-DD)", str(value)[:40])
    pack = getattr(advisor, "pack", None)
    earliest = getattr(getattr(pack, "meta", None), "earliest_as_of", None)
    if earliest is not None and day < earliest:
        raise _refuse("body.as_of", f"the rules cover {earliest.isoformat()} on", value)
    return day


def _ids(body: dict[str, Any]) -> list[str] | None:
    if "ids" not in body:
        return None
    ids = body["ids"]
    if not isinstance(ids, list) or not ids:
        raise _refuse("body.ids", "a non-empty list of assessment ids (or leave it out for all)",
                      None if isinstance(ids, list) else str(ids)[:40])
    if len(ids) > MAX_IDS:
        raise _refuse("body.ids", f"at most {MAX_IDS} ids", len(ids))
    seen: set[str] = set()
    for i, v in enumerate(ids):
        if not isinstance(v, str) or not _ASSESSMENT_ID.match(v):
            raise _refuse(f"body.ids.{i}", "not an assessment id (32 hexadecimal digits)", str(v)[:40])
        if v in seen:
            raise _refuse(f"body.ids.{i}", "given twice", v)
        seen.add(v)
    return ids


_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": ReassessRequest.model_json_schema(),
    "examples": {"all": {"summary": "Every assessment of yours, as of a day", "value": {"as_of": "2026-11-27"}},
                 "some": {"summary": "Some of them", "value": {"as_of": "2026-11-27",
                                                               "ids": ["3f2a9c0e5b7d41e8a6c4d2b0f1e3a5c7"]}},
                 "today": {"summary": "Everything, as of today (Asia/Shanghai)", "value": {}}}}}}}


@router.post("/portfolio:reassess", status_code=202, response_model=JobCreated, openapi_extra=_BODY,
             responses={202: {**example("application/json", {"job": "8d0c6f3e2a1b4c5d9e7f6a5b4c3d2e1f"},
                                        "Queued; poll the job"), "headers": {"Location": {
                 "description": "/v1/jobs/{job}", "schema": {"type": "string"}}}},
                 **errors(400, 401, 403, 413, 415, 422, 503)})
def reassess_portfolio(request: Request, owner: OwnerDep, body: JsonBody, advisor: AdvisorDep) -> Response:
    """Re-assess every stored assessment of yours (or `ids`) with the rules now loaded, as of `as_of`
    (default today), without overwriting any: a job. Poll `GET /v1/jobs/{job}`; its result lists each
    assessment whose routes or deadlines change (with the rules that stopped or started matching and the
    deadlines that moved) and counts the unchanged. Counts stay as each profile declared them; an entry warns
    when the new date counts another window. To keep a re-assessment, `POST /v1/assessments/{id}:reassess`.

    Example: `curl -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json'
    -d '{"as_of": "2026-11-27"}' http://127.0.0.1:8000/v1/portfolio:reassess` → 202 `{"job": "8d0c…"}`"""
    if not isinstance(body, dict):
        raise _refuse("body", "expected a JSON object", None)
    for key in sorted(set(body) - {"as_of", "ids"}):
        raise _refuse(f"body.{key}"[:110], "unknown field (the body takes as_of and ids)", None)
    day, ids = _as_of(body, advisor), _ids(body)
    jobs = request.app.state.jobs
    if ids is not None and (gone := jobs.store.missing(owner, ids)):
        i = ids.index(gone[0])
        raise ApiError(422, f"body.ids.{i}: no stored assessment of yours has this id", errors=[
            {"field": f"body.ids.{ids.index(g)}", "message": "no stored assessment of yours has this id", "value": g}
            for g in gone[:20]])
    job_id = jobs.store.create(owner, day, ids)
    try:
        jobs.submit(job_id)
    except Exception as err:
        jobs.store.fail(job_id, f"could not be queued: {type(err).__name__}")
        raise ApiError(503, "the job queue is not reachable; try again later") from None
    return Response(dumps({"job": job_id}), status_code=202, media_type="application/json",
                    headers={"Location": f"/v1/jobs/{job_id}"})


JobId = Annotated[str, Path(pattern=JOB_ID, description="A job id from POST /v1/portfolio:reassess.",
                            examples=["8d0c6f3e2a1b4c5d9e7f6a5b4c3d2e1f"])]


def _no_job(job_id: str) -> ApiError:
    return ApiError(404, f"no job {job_id!r} (for this key)")


@router.get("/jobs/{id}", response_model=JobView, responses={
    200: example("application/json", JobView.model_config["json_schema_extra"]["examples"][0], "The job"),
    **errors(401, 403, 404, 422)})
def get_job(request: Request, id: JobId, owner: OwnerDep) -> Response:
    """A job's status (`queued`, `running`, `done`, `failed`), progress, and once done its result: the
    changed assessments inline (up to 1,000) and how many are unchanged.

    Example: `curl -H "Authorization: Bearer $KEY" http://127.0.0.1:8000/v1/jobs/8d0c6f3e2a1b4c5d9e7f6a5b4c3d2e1f`"""
    view = request.app.state.jobs.store.view(id, owner)
    if view is None:
        raise _no_job(id)
    return Response(dumps(view), media_type="application/json")


Cursor = Annotated[str | None, Query(pattern=r"^[0-9]{1,10}$", description="From the previous page's next_cursor.",
                                     examples=["999"])]
Limit = Annotated[int, Query(ge=1, le=1000, description="Entries per page.")]


@router.get("/jobs/{id}/changes", response_model=ChangesPage, responses={
    200: example("application/json", ChangesPage.model_config["json_schema_extra"]["examples"][0], "One page"),
    **errors(401, 403, 404, 422)})
def get_job_changes(request: Request, id: JobId, owner: OwnerDep, cursor: Cursor = None, limit: Limit = 100
                    ) -> Response:
    """Every change entry of a job, page by page, in the job's order (also while it runs: what is recorded).

    Example: `curl -H "Authorization: Bearer $KEY" "http://127.0.0.1:8000/v1/jobs/8d0c…/changes?limit=500&cursor=999"`"""
    page = request.app.state.jobs.store.changes(id, owner, -1 if cursor is None else int(cursor), limit)
    if page is None:
        raise _no_job(id)
    entries, nxt = page
    return Response(dumps({"changes": entries, "next_cursor": None if nxt is None else str(nxt)}),
                    media_type="application/json")
