"""Shapes of the job endpoints for the OpenAPI document (/docs), each with an example."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

JOB_ID = "^[0-9a-f]{32}$"
ENTRY_EXAMPLE: dict[str, Any] = {
    "id": "3f2a9c0e5b7d41e8a6c4d2b0f1e3a5c7", "company": "上海示例贸易有限公司",
    "as_of": {"before": "2023-12-01", "after": "2026-11-27"},
    "rulepack": {"before": "sha256:1b4e…", "after": "sha256:9c0d…"},
    "before": {"overall": "standard_contract_or_certification",
               "transfers": {"crm": {"pathway": "standard_contract_or_certification", "exemption": None,
                                     "options": ["certification", "standard_contract"]}}},
    "after": {"overall": "exempt",
              "transfers": {"crm": {"pathway": "exempt", "exemption": "below_threshold", "options": []}}},
    "why": {"rules_stopped": [{"transfer": "crm", "rule": "cn.option.standard_contract"},
                              {"transfer": "crm", "rule": "cn.trigger.any_pi.2023"}],
            "rules_started": [{"transfer": "crm", "rule": "cn.exempt.below_threshold"}],
            "deadlines_moved": []},
    "warnings": [{"zh": "人数按原档案申报的口径（自2022-01-01起计算）沿用；按2026-11-27的规则应自2026-01-01起重新统计，结论可能随实际人数变化。",
                  "en": "The counts are kept as the profile declared them (counted since 2022-01-01); at 2026-11-27 "
                        "the rules count since 2026-01-01, so the result may change with the real figures."}],
}


class ReassessRequest(BaseModel):
    """Body of POST /v1/portfolio:reassess (both fields optional; `{}` re-assesses everything as of today)."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"as_of": "2026-11-27"}, {"as_of": "2026-11-27", "ids": ["3f2a9c0e5b7d41e8a6c4d2b0f1e3a5c7"]}, {}]})

    as_of: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="The day to re-assess as of "
                              "(YYYY-MM-DD); default today in Asia/Shanghai.")
    ids: list[str] | None = Field(None, min_length=1, max_length=100_000, json_schema_extra={"uniqueItems": True},
                                  description="Only these stored assessments (yours); default all of yours.")


class JobCreated(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"job": "8d0c6f3e2a1b4c5d9e7f6a5b4c3d2e1f"}]})
    job: str = Field(description="The job id: poll GET /v1/jobs/{job}.")


class Progress(BaseModel):
    done: int = Field(description="Assessments re-assessed and recorded so far.")
    total: int | None = Field(description="Assessments in the job; null until they are listed.")


class ItemFailure(BaseModel):
    id: str
    message: str
    errors: list[dict[str, Any]] | None = None


class JobResult(BaseModel):
    changed: list[dict[str, Any]] = Field(description="Up to 1,000 change entries, in the job's order "
                                          "(all of them: GET /v1/jobs/{id}/changes).")
    unchanged: int = Field(description="Assessments whose routes and deadlines stay as stored.")
    changed_total: int
    changed_truncated: bool = Field(description="True when `changed` holds the first 1,000 only.")
    failed: list[ItemFailure] = Field(description="Stored profiles the rules now refuse, with why.")
    erased: int = Field(description="Assessments erased after the job listed them.")


class JobView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "8d0c6f3e2a1b4c5d9e7f6a5b4c3d2e1f", "status": "done", "as_of": "2026-11-27",
        "created_at": "2026-11-27T08:00:00Z", "started_at": "2026-11-27T08:00:01Z",
        "finished_at": "2026-11-27T08:00:09Z", "progress": {"done": 2, "total": 2},
        "result": {"changed": [ENTRY_EXAMPLE], "unchanged": 1, "changed_total": 1, "changed_truncated": False,
                   "failed": [], "erased": 0}}]})

    id: str
    status: Literal["queued", "running", "done", "failed"]
    as_of: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    progress: Progress
    result: JobResult | None = Field(description="Set once the job is done.")
    error: str | None = Field(None, description="Why the job failed (status failed).")


class ChangesPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"changes": [ENTRY_EXAMPLE], "next_cursor": "1"}]})
    changes: list[dict[str, Any]] = Field(description="Change entries: id, company, as_of, rulepack, before, "
                                          "after, why (rules_stopped, rules_started, deadlines_moved), warnings.")
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class FeedToken(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "token": "feed_Jx3…", "url": "/v1/feeds/feed_Jx3…/deadlines.ics"}]})
    token: str = Field(description="Shown once; only its hash is stored. Calling again replaces it.")
    url: str = Field(description="The calendar's path: subscribe to it without an Authorization header.")


# Examples of the portfolio's other answers, as /docs shows them.
CSV_EXAMPLE = ("公司,统一社会信用代码,所在地,数据出境,路径,豁免情形,可选机制,下一期限,期限日期,可能改变结论的待答问题,评估编号,评估日期,创建时间\r\n"
               "申报公司,,广东省深圳市南山区,客户信息发往新加坡母公司,订立标准合同（并备案）或通过个人信息保护认证,,"
               "个人信息出境标准合同; 个人信息保护认证,标准合同备案截止日,2026-12-04,,3f2a9c0e5b7d41e8a6c4d2b0f1e3a5c7,2026-11-27,2026-11-27T08:00:00Z\r\n")
DEADLINES_EXAMPLE = {"deadlines": [{
    "uid": "3f2a9c0e5b7d41e8a6c4d2b0f1e3a5c7-standard_contract_filing-crm",
    "assessment_id": "3f2a9c0e5b7d41e8a6c4d2b0f1e3a5c7", "company": "申报公司", "transfer": "crm",
    "transfer_name": "客户信息发往新加坡母公司", "deadline": "standard_contract_filing", "label": "标准合同备案截止日",
    "date": "2026-12-04", "provisional": False}]}
ICS_EXAMPLE = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cbdt-advisor//portfolio//EN\r\n"
               "X-WR-CALNAME:数据出境合规期限\r\nBEGIN:VEVENT\r\nSUMMARY:标准合同备案截止日 · 申报公司 — 客户信息发往新加坡母公司\r\n"
               "DTSTART;VALUE=DATE:20261204\r\nDTSTAMP:20261127T080000Z\r\n"
               "UID:3f2a9c0e5b7d41e8a6c4d2b0f1e3a5c7-standard_contract_filing-crm@cbdt-advisor\r\n"
               "END:VEVENT\r\nEND:VCALENDAR\r\n")


def example(media: str, value: Any, description: str) -> dict[str, Any]:
    """A `responses=` entry whose body /docs shows as the example."""
    return {"description": description, "content": {media: {"example": value}}}
