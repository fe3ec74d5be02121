"""The company profile (docs/profile.md). Unknown fields are errors; unknown facts are ``None``."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)

from advisor.models.credit_code import CreditCode
from advisor.vocab import (
    Established,
    Mechanism,
    OnwardTransfer,
    Purpose,
    RecipientKind,
    Sector,
    SpecialCategory,
    Zone,
)



def _whole(value: object) -> object:
    """JSON has one number type: 248.0 is the integer 248 (as JSON Schema's `integer` says); 248.5 stays an error."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# The upper bound is no legal number: more persons than live on Earth is a typing error.
Count = Annotated[StrictInt, Field(ge=0, le=10_000_000_000, description="Number of persons, an integer of 0 or more."),
                  BeforeValidator(_whole)]
Text = Annotated[StrictStr, Field(max_length=2000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class UniqueSubjects(_Model):
    """De-duplicated company totals over the counted transfers (version 2)."""

    personal_info_subjects: Count = 0
    sensitive_info_subjects: Count = 0


class Contact(_Model):
    """Pre-fill only (version 2): who to reach."""
    name: Text | None = None
    phone: Annotated[StrictStr, Field(max_length=50)] | None = None
    email: Annotated[StrictStr, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None


class Company(_Model):
    name: Text | None = Field(None, description="Company name (free text).")
    established: Established = Field(
        "mainland", description="`abroad`: an overseas processor handling PI of people in China (PIPL Art 3(2)).")
    region: StrictStr | None = Field(
        None, description="Where the processor is registered: GB/T 2260 code ('440305') or Chinese name ('深圳市南山区'). "
                          "Required unless `established` is `abroad` (then: the representative's place, optional).",
        examples=["440305", "广东省深圳市南山区"])
    zones: list[Zone] = Field(default_factory=list, description="Special zones the processor is registered in.")
    sector: Sector
    ciio: StrictBool | None = Field(
        None, description="Notified as a critical information infrastructure operator; null = unknown.")
    personal_info_processed: Count | None = Field(
        None, description="Persons whose PI the company processes in total (only the 2022-09-01..2024-03-21 rules use it).")
    hr_rules_in_place: StrictBool | None = Field(
        None, description="Labour rules lawfully made and/or a collective contract lawfully signed back the HR transfers; "
                          "null = unknown (presumed true).")
    unique_subjects: UniqueSubjects | None = Field(
        None, description="De-duplicated totals of the counted transfers; replace the sums when given.")
    large_platform: StrictBool | None = Field(
        None, description="A large network platform (NDSMR Art 62(8)); null = unknown (presumed false).")
    credit_code: CreditCode | None = None   # pre-fill only (contract §7), like the two below
    legal_representative: Text | None = None
    contact: Contact | None = None


class Recipient(_Model):
    kind: RecipientKind
    country: Annotated[StrictStr, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2; CN = mainland China.")]
    name: Text | None = None
    address: Text | None = None   # pre-fill only (contract §7), like contact
    contact: Contact | None = None


class LocalList(_Model):
    id: Annotated[StrictStr, Field(min_length=1, description="Id of the measure (a negative list or general data list).")]
    data_on_list: StrictBool
    scenario: Annotated[StrictStr, Field(min_length=1, max_length=200)] | None = Field(
        None, description="Scenario slug of the named list that the transfer falls under.")


class Transfer(_Model):
    id: Annotated[StrictStr, Field(min_length=1, max_length=100, pattern=r"^[^\s.]+$")]
    description: Text | None = None
    purpose: Purpose
    recipient: Recipient
    personal_info_subjects: Count = 0
    sensitive_info_subjects: Count = 0
    important_data: StrictBool | None = None
    collected_abroad: StrictBool = False
    local_list: LocalList | None = None
    special_categories: list[SpecialCategory] = Field(default_factory=list)
    necessary: StrictBool | None = Field(
        None, description="All of the PI is truly necessary for the exempting purpose; null = unknown (presumed true).")
    onward_transfer: OnwardTransfer | None = Field(
        None, description="Onward transfer by the recipient; null = unknown (presumed none).")
    important_data_identified: StrictBool | None = Field(
        None, description="The company itself identified the data as likely important data, not yet notified or published.")
    core_data: StrictBool | None = Field(
        None, description="The data has been notified or published as national core data (DSL Art 21); null = unknown (presumed not).")
    data_categories: list[Text] = Field(default_factory=list, max_length=200)   # pre-fill only (contract §7)


class Approval(_Model):
    mechanism: Mechanism
    transfer: StrictStr
    issued_on: dt.date | None = None
    effective_on: dt.date | None = None
    filed_on: dt.date | None = None
    extension_applied_on: dt.date | None = Field(
        None, description="Security assessment only: the day an extension of the result was applied for.")

    @model_validator(mode="after")
    def _one_date(self) -> Approval:
        if self.issued_on is None and self.effective_on is None:
            raise ValueError("give issued_on (assessment result, certificate) or effective_on (contract)")
        if self.extension_applied_on is not None:
            if self.mechanism != "security_assessment":
                raise ValueError("extension_applied_on is only for a security_assessment approval")
            start = self.issued_on or self.effective_on
            if start is not None and self.extension_applied_on < start:
                raise ValueError("extension_applied_on is before the assessment result was issued")
        return self


class Profile(_Model):
    as_of: dt.date | None = Field(None, description="Date the assessment speaks for; default today in Asia/Shanghai.")
    company: Company
    approvals: list[Approval] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list, max_length=1000)
