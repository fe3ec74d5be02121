"""POST /v1/assessments, GET /v1/assessments/{id}, POST /v1/assessments:batch."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from advisor.errors import ProfileError
from advisor_api.deps import AdvisorDep, JsonBody, LangDep, OwnerDep, StoreDep
from advisor_api.errors import ApiError, profile_error_body
from advisor_api.openapi import batch_body, profile_body
from advisor_api.schemas import Assessment, BatchResults, errors
from advisor_api.storage import IdempotencyConflict, Saved
from advisor_api.storage.assessments import dumps, input_digest

router = APIRouter(prefix="/v1", tags=["assessments"])
JSON = "application/json"


def _profile(body: Any, field: str = "(body)") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(422, f"{field}: a profile is a JSON object, got {type(body).__name__}", "invalid_profile",
                       [{"field": field, "message": "expected a JSON object", "value": body}])
    return body


def _created(saved: Saved) -> Response:
    headers = {"Location": f"/v1/assessments/{saved.id}"}
    if saved.replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(saved.body, status_code=201, media_type=JSON, headers=headers)


@router.post("/assessments", status_code=201, response_model=None, openapi_extra=profile_body(),
             responses={201: {"model": Assessment, "description": "Assessed and stored"},
                        **errors(400, 401, 409, 413, 422)})
def create_assessment(body: JsonBody, advisor: AdvisorDep, store: StoreDep, owner: OwnerDep, lang: LangDep,
                      idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None
                      ) -> Response:
    """Assess one profile and store the result. A repeated `Idempotency-Key` returns the stored result."""
    profile = _profile(body)
    if idempotency_key is not None:
        try:
            earlier = store.find_idempotent(owner, idempotency_key, input_digest(profile))
        except IdempotencyConflict:
            raise ApiError(409, f"Idempotency-Key {idempotency_key!r} was used before with a different profile",
                           errors=[{"field": "header.idempotency-key", "message": "reused", "value": idempotency_key}]
                           ) from None
        if earlier is not None:
            return _created(earlier)
    result = advisor.assess(profile)
    result["lang"] = lang  # the language the client asked for; every text is in zh and en
    try:
        return _created(store.save(profile, result, owner, idempotency_key))
    except IdempotencyConflict:
        raise ApiError(409, f"Idempotency-Key {idempotency_key!r} was used before with a different profile") from None


@router.get("/assessments/{id}", response_model=None,
            responses={200: {"model": Assessment, "description": "As first returned"}, **errors(401, 404, 422)})
def read_assessment(id: str, store: StoreDep, owner: OwnerDep) -> Response:
    """A stored assessment, byte for byte as first returned (same rule-pack digest)."""
    body = store.get_body(id, owner)
    if body is None:
        raise ApiError(404, f"no assessment with id {id!r}" + (" for this API key" if owner else ""),
                       errors=[{"field": "path.id", "message": "not found", "value": id}])
    return Response(body, media_type=JSON)


@router.post("/assessments:batch", response_model=None, openapi_extra=batch_body(1000),
             responses={200: {"model": BatchResults, "description": "One result per profile, in order"},
                        **errors(400, 401, 413, 422)})
def batch_assessments(request: Request, body: JsonBody, advisor: AdvisorDep, store: StoreDep,
                      owner: OwnerDep, lang: LangDep) -> Response:
    """Assess up to 1,000 profiles; an invalid one gets `{"error": …}` in its own slot."""
    limit = request.app.state.settings.max_batch
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
    slots: list[Any] = []
    todo: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for i, raw in enumerate(profiles):
        try:
            result = advisor.assess(_profile(raw, f"profiles.{i}"))
            result["lang"] = lang
        except ProfileError as err:
            slots.append(profile_error_body(err))
            continue
        except ApiError as err:
            slots.append({"error": {"status": 422, "type": err.type, "message": err.message, "errors": err.errors}})
            continue
        slots.append(len(todo))
        todo.append((raw, result))
    saved = store.save_many(todo, owner)
    parts = [saved[s].body if isinstance(s, int) else dumps(s) for s in slots]
    return Response('{"results":[' + ",".join(parts) + "]}", media_type=JSON)
