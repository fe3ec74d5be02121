"""Dependencies routes declare: the advisor, the store, the caller (API key name), the language, the body.

The cheap ones are `async def` so that they run on the event loop, not in a thread-pool hop each."""
from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from advisor_api.errors import ApiError, safe_text
from advisor_api.inputs import check_content_type, parse_json, problems, refuse
from advisor_api.storage import AssessmentStore, KeyStore
from advisor_api.storage.keys import hash_token

_bearer = HTTPBearer(auto_error=False, description="An API key from `advisor keys create NAME`. "
                     "Needed once any key has been issued; without keys the server is open to localhost only.")
_FORWARDED = (b"forwarded", b"x-forwarded-for", b"x-real-ip")


async def get_advisor(request: Request) -> Any:
    return request.app.state.advisor


async def get_store(request: Request) -> AssessmentStore:
    return request.app.state.store


async def get_keys(request: Request) -> KeyStore:
    return request.app.state.keys


def is_local(request: Request) -> bool:
    """The client is this machine, and no proxy says it forwards someone else."""
    if any(name in _FORWARDED for name, _ in request.scope.get("headers", [])):
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


async def get_owner(request: Request,
                    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str | None:
    """The calling key's name; None in open mode. Open mode serves only local clients (checked on every
    request, whatever address the server is bound to); keyed mode needs a key that is not revoked."""
    access = request.app.state.keys.access()
    if not access.keyed:
        if not is_local(request):
            raise ApiError(403, "this server has no API keys (open mode) and answers only on this machine; "
                           "its operator can issue keys with `advisor keys create NAME`")
        return None
    challenge = {"WWW-Authenticate": "Bearer"}
    if creds is None:
        raise ApiError(401, "this server needs an API key: send 'Authorization: Bearer <key>'", headers=challenge)
    owner = access.keys.get(hash_token(creds.credentials))
    if owner is None:
        raise ApiError(401, "unknown or revoked API key", headers=challenge)
    return owner


async def get_lang(request: Request,
                   lang: Annotated[Literal["zh", "en"] | None, Query(description="Language of human text "
                                   "where there is a choice (JSON always carries both zh and en).")] = None) -> str:
    return lang or request.app.state.settings.default_lang


async def get_raw_json(request: Request) -> Any:
    """The body: application/json (UTF-8) only (415), parsed strictly (400). Not yet checked field by field."""
    check_content_type(request.headers.get("content-type"))
    return parse_json(await request.body())


async def get_json_body(raw: Annotated[Any, Depends(get_raw_json)]) -> Any:
    """The body, refused with 422 naming each field that no profile may hold (duplicates, surrogates, …)."""
    if found := problems(raw):
        raise refuse(found)
    return raw


async def get_optional_json_body(request: Request) -> Any:
    """A body that may be left out: none at all is `{}`; one that is sent is checked like JsonBody."""
    raw = await request.body()
    if not raw and request.headers.get("content-type") is None:
        return {}
    check_content_type(request.headers.get("content-type"))
    body = parse_json(raw)
    if found := problems(body):
        raise refuse(found)
    return body


_DECLARED: dict[int, frozenset[str]] = {}


def _declared(route: Any) -> frozenset[str]:
    if (found := _DECLARED.get(id(route))) is not None:
        return found
    names, todo = set(), [route.dependant]
    while todo:
        d = todo.pop()
        names.update(p.alias for p in d.query_params)
        todo.extend(d.dependencies)
    _DECLARED[id(route)] = frozenset(names)
    return _DECLARED[id(route)]


async def known_query(request: Request) -> None:
    """422 for a query parameter the route does not take (a typo such as `?langg=en` is not silently ignored),
    and for one given more than once (every parameter takes one value: `?credit_code=A&credit_code=B` would
    otherwise mean B alone)."""
    route = request.scope.get("route")
    if route is None:
        return
    unknown = sorted(set(request.query_params) - _declared(route))
    if unknown:
        raise ApiError(422, f"unknown query parameter {safe_text(unknown[0])[:100]!r}", errors=[
            {"field": f"query.{safe_text(k)[:100]}", "message": "unknown query parameter", "value": None}
            for k in unknown])
    keys = [k for k, _ in request.query_params.multi_items()]
    if repeated := sorted({k for k in keys if keys.count(k) > 1}):
        raise ApiError(422, f"query parameter {safe_text(repeated[0])[:100]!r} given more than once", errors=[
            {"field": f"query.{safe_text(k)[:100]}", "message": "given more than once; send one value",
             "value": request.query_params.getlist(k)} for k in repeated])


def day_query(description: str, example: str) -> Any:
    """A YYYY-MM-DD query parameter, `format: date` in the schema; read it with inputs.parse_day."""
    return Query(max_length=10, description=description, examples=[example], json_schema_extra={"format": "date"})


AdvisorDep = Annotated[Any, Depends(get_advisor)]
StoreDep = Annotated[AssessmentStore, Depends(get_store)]
KeysDep = Annotated[KeyStore, Depends(get_keys)]
OwnerDep = Annotated[str | None, Depends(get_owner)]
LangDep = Annotated[str, Depends(get_lang)]
JsonBody = Annotated[Any, Depends(get_json_body)]
OptionalJsonBody = Annotated[Any, Depends(get_optional_json_body)]
RawJson = Annotated[Any, Depends(get_raw_json)]
