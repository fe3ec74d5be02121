"""GET /v1/assessments/{id}.ics|.md|.docx: a stored assessment rendered by advisor.render."""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Response

from advisor_api.deps import LangDep, OwnerDep, StoreDep, known_query
from advisor_api.errors import ApiError
from advisor_api.routes.assessments import not_found
from advisor_api.schemas import errors

router = APIRouter(prefix="/v1", tags=["assessments"], dependencies=[Depends(known_query)])

FORMATS = {  # suffix: (render format, media type)
    "ics": ("ics", "text/calendar; charset=utf-8"),
    "md": ("markdown", "text/markdown; charset=utf-8"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def _renderer() -> Any:
    try:
        from advisor.render import render
    except ImportError:
        raise ApiError(501, "rendering is not available in this build (advisor.render is missing)") from None
    return render


def _export(suffix: str, id: str, store: Any, owner: str | None, lang: str) -> Response:
    body = store.get_body(id, owner)
    if body is None:
        raise not_found(id, owner)
    fmt, media = FORMATS[suffix]
    out = _renderer()(json.loads(body), fmt, lang)
    headers = {"Content-Disposition": f'attachment; filename="assessment-{json.loads(body)["id"]}.{suffix}"'}
    return Response(out.encode() if isinstance(out, str) else out, media_type=media, headers=headers)


def _doc(suffix: str) -> dict[str, Any]:
    return {200: {"content": {FORMATS[suffix][1].split(";")[0]: {}}, "description": f"The assessment as .{suffix}"},
            **errors(401, 403, 404, 422, 501)}


@router.get("/assessments/{id}.ics", response_class=Response, responses=_doc("ics"))
def assessment_ics(id: str, owner: OwnerDep, store: StoreDep, lang: LangDep) -> Response:
    """Deadlines as an iCalendar file."""
    return _export("ics", id, store, owner, lang)


@router.get("/assessments/{id}.md", response_class=Response, responses=_doc("md"))
def assessment_markdown(id: str, owner: OwnerDep, store: StoreDep, lang: LangDep) -> Response:
    """The assessment as Markdown."""
    return _export("md", id, store, owner, lang)


@router.get("/assessments/{id}.docx", response_class=Response, responses=_doc("docx"))
def assessment_docx(id: str, owner: OwnerDep, store: StoreDep, lang: LangDep) -> Response:
    """The assessment as a Word document."""
    return _export("docx", id, store, owner, lang)
