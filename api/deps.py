"""Dependencies routes declare: the advisor, the store, the caller (API key name), the language.

The cheap ones are `async def` so that they run on the event loop, not in a thread-pool hop each."""
from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from advisor_api.errors import ApiError
from advisor_api.storage import AssessmentStore, KeyStore

_bearer = HTTPBearer(auto_error=False, description="An API key from `advisor keys create NAME`. "
                     "Needed once any key exists; without keys the server is open on localhost.")

async def get_advisor(request: Request) -> Any:
    return request.app.state.advisor

async def get_store(request: Request) -> AssessmentStore:
    return request.app.state.store

async def get_keys(request: Request) -> KeyStore:
    return request.app.state.keys

async def get_owner(request: Request,
                    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str | None:
    """The calling key's name; None in open mode (no keys issued). 401 when a key is needed."""
    active = request.app.state.keys.active()
    if not active:
        return None
    challenge = {"WWW-Authenticate": "Bearer"}
    if creds is None:
        raise ApiError(401, "this server needs an API key: send 'Authorization: Bearer <key>'", headers=challenge)
    from advisor_api.storage.keys import hash_token

    owner = active.get(hash_token(creds.credentials))
    if owner is None:
        raise ApiError(401, "unknown or revoked API key", headers=challenge)
    return owner

async def get_lang(request: Request,
             lang: Annotated[Literal["zh", "en"] | None, Query(description="Language of human text "
                             "where there is a choice (JSON always carries both zh and en).")] = None) -> str:
    return lang or request.app.state.settings.default_lang

async def get_json_body(request: Request) -> Any:
    """The request body parsed as JSON; 400 naming the place when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        raise ApiError(400, "empty request body: send a JSON object", "malformed_json")
    try:
        return json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except UnicodeDecodeError as err:
        raise ApiError(400, f"request body is not UTF-8 text: {err.reason} at byte {err.start}", "malformed_json") from None
    except ValueError as err:
        if not isinstance(err, json.JSONDecodeError):
            raise ApiError(400, f"malformed JSON: {err}", "malformed_json") from None
        raise ApiError(400, f"malformed JSON at line {err.lineno} column {err.colno}: {err.msg}",
                       "malformed_json") from None
    except RecursionError:
        raise ApiError(400, "malformed JSON: nested too deeply", "malformed_json") from None

def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")

def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text} is out of range")
    return value

AdvisorDep = Annotated[Any, Depends(get_advisor)]
StoreDep = Annotated[AssessmentStore, Depends(get_store)]
KeysDep = Annotated[KeyStore, Depends(get_keys)]
OwnerDep = Annotated[str | None, Depends(get_owner)]
LangDep = Annotated[str, Depends(get_lang)]
JsonBody = Annotated[Any, Depends(get_json_body)]
