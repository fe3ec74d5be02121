"""/v1/assessments: create (one or a batch), read, list, erase."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from advisor.errors import ProfileError
from advisor_api.deps import AdvisorDep, JsonBody, LangDep, OwnerDep, RawJson, StoreDep, known_query
from advisor_api.errors import ApiError, profile_error_body
from advisor_api.errors import body as error_body
from advisor_api.inputs import problems
from advisor_api.openapi import batch_body, profile_body
from advisor_api.schemas import Assessment, AssessmentList, BatchResults, Deleted, errors
from advisor_api.storage import AssessmentStore, CursorError, IdempotencyBusy, IdempotencyConflict, Saved
from advisor_api.storage.assessments import dumps, idempotency_scope, input_digest

router = APIRouter(prefix="/v1", tags=["assessments"], dependencies=[Depends(known_query)])
JSON = "application/json"
Overall = Literal["not_outbound", "exempt", "standard_contract_or_certification", "security_assessment"]
IdemKey = Annotated[str | None, Header(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$", description=(
    "Makes a retry safe: the first request with this key runs, a repeat with the same query and body gets "
    "the stored answer (header Idempotent-Replayed: true), a different query or body is 409. Keys are per "
    "API key and endpoint and expire after 24 hours."))]


def _profile(body: Any, field: str = "(body)") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(422, f"{field}: a profile is a JSON object, got {type(body).__name__}", "invalid_profile",
                       [{"field": field, "message": "expected a JSON object", "value": body}])
    return body


Finish = Callable[[Response], Callable[[Any], None]]


def _fingerprint(request: Request, body: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    return hashlib.sha256(f"{request.method} {request.url.path}?{query}\n{input_digest(body)}".encode()).hexdigest()


def _idempotent(request: Request, store: AssessmentStore, owner: str | None, key: str | None, body: Any,
                run: Callable[[Finish | None], Response]) -> Response:
    """Run `run(complete)` once per Idempotency-Key; `complete(conn)` stores the answer with the assessments."""
    if key is None:
        return run(None)
    scope = idempotency_scope("api", owner, f"{request.method} {request.url.path}", key)
    field = [{"field": "header.idempotency-key", "message": "reused", "value": key}]
    try:
        earlier = store.idempotency.begin(scope, _fingerprint(request, body))
    except IdempotencyConflict:
        raise ApiError(409, f"Idempotency-Key {key!r} was used before with a different query or body", errors=field
                       ) from None
    except IdempotencyBusy:
        raise ApiError(409, f"a request with Idempotency-Key {key!r} is still running; retry later", errors=field
                       ) from None
    if earlier is not None:
        headers = {"Idempotent-Replayed": "true", **({"Location": earlier.location} if earlier.location else {})}
        return Response(earlier.body, status_code=earlier.status, media_type=JSON, headers=headers)

    def finish(r: Response) -> Callable[[Any], None]:
        text = bytes(r.body).decode()
        ids = re.findall(r'"id":"([0-9a-f]{32})"', text)
        return lambda conn: store.idempotency.complete(conn, scope, r.status_code, text, r.headers.get("location"), ids)

    try:
        return run(finish)
    except BaseException:
        store.idempotency.release(scope)
        raise


def create_one(advisor: Any, store: AssessmentStore, profile: dict[str, Any], lang: str, owner: str | None
               ) -> tuple[dict[str, Any], Saved]:
    """Assess one profile; the row to store and the answer (this route's and api/fast_create.py's)."""
    result = advisor.assess(profile)
    result["lang"] = lang  # the language the client asked for; every text is in zh and en
    return store.prepare(profile, result, owner)


def _created(saved: Saved) -> Response:
    return Response(saved.body, status_code=201, media_type=JSON, headers={"Location": f"/v1/assessments/{saved.id}"})


@router.post("/assessments", status_code=201, response_model=None, openapi_extra=profile_body(),
             responses={201: {"model": Assessment, "description": "Assessed and stored"},
                        **errors(400, 401, 403, 409, 413, 415, 422)})
def create_assessment(request: Request, owner: OwnerDep, body: JsonBody, advisor: AdvisorDep, store: StoreDep,
                      lang: LangDep, idempotency_key: IdemKey = None) -> Response:
    """Assess one profile and store the result."""
    profile = _profile(body)

    def run(finish: Finish | None) -> Response:
        row, saved = create_one(advisor, store, profile, lang, owner)
        response = _created(saved)
        store.insert([row], finish(response) if finish else None)
        return response

    return _idempotent(request, store, owner, idempotency_key, body, run)


@router.post("/assessments:batch", response_model=None, openapi_extra=batch_body(1000),
             responses={200: {"model": BatchResults, "description": "One result per profile, in order; a "
                                                                    "refused profile has {\"error\": …} in its slot"},
                        **errors(400, 401, 403, 409, 413, 415, 422)})
def batch_assessments(request: Request, owner: OwnerDep, body: RawJson, advisor: AdvisorDep, store: StoreDep,
                      lang: LangDep, idempotency_key: IdemKey = None) -> Response:
    """Assess up to 1,000 profiles; an invalid one gets `{"error": …}` in its own slot, the others are stored."""
    limit = request.app.state.settings.max_batch
    found = problems(body)
    per_slot: dict[int, list[dict[str, Any]]] = {}
    for p in found:
        m = re.match(r"^profiles\.(\d+)(?:\.|$)", p["field"])
        if m is None:
            raise ApiError(422, f"{p['field']}: {p['message']}", errors=[q for q in found if not
                                                                         re.match(r"^profiles\.\d+", q["field"])])
        per_slot.setdefault(int(m.group(1)), []).append(p)
    profiles = body.get("profiles") if isinstance(body, dict) else None
    if not isinstance(profiles, list):
        raise ApiError(422, 'send {"profiles": [ … ]}', errors=[
            {"field": "profiles", "message": "expected a list of profiles", "value": profiles}])
    if extra := sorted(set(body) - {"profiles"}):
        raise ApiError(422, f"unknown field {extra[0]!r}", errors=[
            {"field": k, "message": "unknown field", "value": body[k]} for k in extra])
    if len(profiles) > limit:
        raise ApiError(422, f"profiles: {len(profiles)} profiles, at most {limit} per batch", errors=[
            {"field": "profiles", "message": f"at most {limit} profiles", "value": len(profiles)}])

    def run(finish: Finish | None) -> Response:
        parts: list[str] = []
        rows: list[dict[str, Any]] = []
        for i, raw in enumerate(profiles):
            if i in per_slot:
                parts.append(dumps(error_body(422, "invalid_profile", "; ".join(
                    f"{p['field']}: {p['message']}" for p in per_slot[i][:10]), per_slot[i])))
                continue
            try:
                result = advisor.assess(_profile(raw, f"profiles.{i}"))
                result["lang"] = lang
            except ProfileError as err:
                parts.append(dumps(profile_error_body(err)))
                continue
            except ApiError as err:
                parts.append(dumps(error_body(422, err.type, err.message, err.errors)))
                continue
            row, saved = store.prepare(raw, result, owner)
            rows.append(row)
            parts.append(saved.body)
        response = Response('{"results":[' + ",".join(parts) + "]}", media_type=JSON)
        store.insert(rows, finish(response) if finish else None)
        return response

    return _idempotent(request, store, owner, idempotency_key, body, run)


@router.get("/assessments/{id}", response_model=None,
            responses={200: {"model": Assessment, "description": "As first returned"}, **errors(401, 403, 404, 422)})
def read_assessment(id: str, owner: OwnerDep, store: StoreDep) -> Response:
    """A stored assessment, byte for byte as first returned (same rule-pack digest)."""
    body = store.get_body(id, owner)
    if body is None:
        raise not_found(id, owner)
    return Response(body, media_type=JSON)


def not_found(id: str, owner: str | None) -> ApiError:
    return ApiError(404, f"no assessment with id {id[:100]!r}" + (" for this API key" if owner else ""),
                    errors=[{"field": "path.id", "message": "not found", "value": id}])


def _when(value: str | None, field: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.timezone.utc)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ][0-9:.,]+([Zz]|[+-]\d{2}:?\d{2})?", value):
            parsed = dt.datetime.fromisoformat(re.sub(r"[Zz]$", "+00:00", value))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    except ValueError:
        pass
    raise ApiError(422, f"{field}: not an ISO date or date-time ({value[:60]!r})",
                   errors=[{"field": f"query.{field}", "message": "expected YYYY-MM-DD or an ISO 8601 date-time",
                            "value": value}])


WHEN = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
CURSOR = r"^[0-9]{1,16}\.[0-9a-f]{32}$"
ISO = "YYYY-MM-DD or ISO 8601 date-time (UTC unless an offset is given)"
Text = Annotated[str | None, Query(min_length=1, max_length=400)]


@router.get("/assessments", response_model=None,
            responses={200: {"model": AssessmentList, "description": "Newest first"}, **errors(401, 403, 422)})
def list_assessments(owner: OwnerDep, store: StoreDep,
                     limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 50,
                     cursor: Annotated[str | None, Query(pattern=CURSOR, description="next_cursor of the page "
                                                         "before.")] = None,
                     created_from: Annotated[str | None, Query(max_length=40, description=f"Created at or after ({ISO}).",
                                                               examples=["2026-01-01"], json_schema_extra=WHEN)] = None,
                     created_to: Annotated[str | None, Query(max_length=40, description=f"Created before ({ISO}).",
                                                             examples=["2026-12-31T00:00:00Z"], json_schema_extra=WHEN)
                                           ] = None,
                     overall: Annotated[Overall | None, Query()] = None,
                     company: Annotated[Text, Query(description="Company name, exactly as in the profile.")] = None,
                     credit_code: Annotated[str | None, Query(min_length=1, max_length=40)] = None) -> Response:
    """The caller's own assessments (this API key's; in open mode, those made without a key), newest first."""
    try:
        rows, next_cursor = store.list(owner, limit=limit, cursor=cursor, created_from=_when(created_from, "created_from"),
                                       created_to=_when(created_to, "created_to"), overall=overall, company=company,
                                       credit_code=credit_code)
    except CursorError as err:
        raise ApiError(422, str(err), errors=[{"field": "query.cursor", "message": "not a cursor from this server",
                                               "value": cursor}]) from None
    for r in rows:
        r["links"] = {"self": f"/v1/assessments/{r['id']}"}
    return Response(dumps({"assessments": rows, "next_cursor": next_cursor}), media_type=JSON)


@router.delete("/assessments/{id}", status_code=204, response_class=Response,
               responses={204: {"description": "Erased; from now on 404 everywhere, exports included"},
                          **errors(401, 403, 404, 422)})
def delete_assessment(id: str, owner: OwnerDep, store: StoreDep) -> Response:
    """Erase one assessment (PIPL Art 47): input, output and any stored Idempotency-Key answer holding it."""
    if not store.delete(id, owner):
        raise not_found(id, owner)
    return Response(status_code=204)


@router.delete("/assessments", response_model=None,
               responses={200: {"model": Deleted, "description": "How many were erased"}, **errors(401, 403, 422)})
def delete_company(owner: OwnerDep, store: StoreDep,
                   company: Annotated[Text, Query(description="Company name, exactly as in the profile.")] = None,
                   credit_code: Annotated[str | None, Query(min_length=1, max_length=40)] = None) -> Response:
    """Erase every assessment of one company: by `company` (exact name) and/or `credit_code` (both must match
    when both are given). Without either nothing is erased (`{"deleted": 0}`): there is no "erase all"."""
    n = 0 if company is None and credit_code is None else store.delete_company(owner, company=company,
                                                                              credit_code=credit_code)
    return Response(dumps({"deleted": n}), media_type=JSON)
