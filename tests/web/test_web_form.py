"""The enquiry form's mapping: every golden profile survives form -> profile, and errors find their field."""
from __future__ import annotations

import pytest

from advisor.errors import FieldError
from advisor.models.profile import Profile
from advisor_api.web import form
from web_support import CASES, load_case

VALID = [p.name for p in sorted(CASES.glob("*.json")) if "error" not in load_case(p.name)["expect"]]


@pytest.mark.parametrize("name", VALID)
def test_golden_profile_round_trips_through_the_form(name):
    profile = load_case(name)["profile"]
    state = form.from_profile(profile)
    pairs = [(k, x) for k, v in state.items() if k != "_n" for x in (v if isinstance(v, list) else [v])]
    again, errors, _ = form.to_profile(form.from_form(pairs))
    assert errors == []
    assert Profile.model_validate(again).model_dump() == Profile.model_validate(profile).model_dump()


def test_cases_were_found():
    assert len(VALID) >= 20


def test_counts_accept_thousands_separators_and_refuse_words():
    st = form.from_form([("transfers.0.personal_info_subjects", "150,000"), ("transfers.0.sensitive_info_subjects", "abc")])
    profile, errors, _ = form.to_profile(st)
    assert profile["transfers"][0]["personal_info_subjects"] == 150000
    assert errors == [FieldError("transfers.0.sensitive_info_subjects", "give a whole number", "abc")]


def test_local_list_without_an_answer_is_an_error():
    _, errors, _ = form.to_profile(form.from_form([("transfers.0.local_list.id", "tj-ftz-nl-2024")]))
    assert [e.loc for e in errors] == ["transfers.0.local_list.data_on_list"]


def test_approval_goes_with_its_transfer_and_its_kind_of_date():
    st = form.from_form([("transfers.0.id", "a"), ("transfers.1.id", "b"),
                         ("transfers.1.approval.mechanism", "standard_contract"), ("transfers.1.approval.date", "2026-11-20")])
    profile, errors, owners = form.to_profile(st)
    assert errors == [] and owners == [1]
    assert profile["approvals"] == [{"mechanism": "standard_contract", "transfer": "b", "effective_on": "2026-11-20"}]
    assert form.field_for("approvals.0.effective_on", owners, 2) == "transfers.1.approval.date"


@pytest.mark.parametrize("loc, field", [
    ("company.region", "company.region"),
    ("transfers.2.personal_info_subjects", "transfers.2.personal_info_subjects"),
    ("transfers.0.recipient.country", "transfers.0.recipient.country"),
    ("transfers.0.recipient", "transfers.0.recipient.kind"),
    ("transfers.1.local_list", "transfers.1.local_list.id"),
    ("transfers.0.special_categories.1", "transfers.0.special_categories"),
    ("company.zones.0", "company.zones"),
    ("transfers.9.purpose", None),
    ("transfers", None),
    ("", None),
])
def test_error_locations_map_to_form_fields(loc, field):
    assert form.field_for(loc, [], 3) == field


def test_removing_a_transfer_renumbers_the_rest():
    st = form.from_form([("transfers.0.id", "a"), ("transfers.1.id", "b"), ("transfers.2.id", "c")])
    form.remove_transfer(st, 1)
    assert st["_n"] == 2 and st["transfers.0.id"] == "a" and st["transfers.1.id"] == "c"
    assert "transfers.2.id" not in st


def test_an_overseas_processor_is_read_without_a_region_and_written_back():
    st = form.from_form([("company.established", "abroad"), ("company.region", ""), ("company.sector", "other")])
    profile, errors, _ = form.to_profile(st)
    assert errors == [] and profile["company"]["established"] == "abroad" and "region" not in profile["company"]
    back = form.from_profile({**profile, "company": {**profile["company"], "region": None}})  # a stored null region
    assert back["company.established"] == "abroad" and back["company.region"] == ""
    assert form.label_of("company.region", back) == ("region_abroad", None)  # the representative's place


def test_mainland_is_the_default_and_is_not_written_into_the_profile():
    assert form.blank()["company.established"] == "mainland"
    for pairs in ([("company.region", "440305")], [("company.region", "440305"), ("company.established", "")],
                  [("company.region", "440305"), ("company.established", "mainland")]):
        profile, errors, _ = form.to_profile(form.from_form(pairs))
        assert errors == [] and "established" not in profile["company"], pairs
    assert form.from_profile({"company": {"region": "440305"}})["company.established"] == "mainland"
    assert form.label_of("company.region", form.blank()) == ("region", None)


@pytest.mark.parametrize("forged", ["mars", "Abroad", "abroad;drop", "<b>x</b>"])
def test_a_forged_establishment_is_an_error_naming_the_field(forged):
    profile, errors, _ = form.to_profile(form.from_form([("company.established", forged), ("company.region", "440305")]))
    assert errors == [FieldError("company.established", "not one of the allowed values", forged)]
    assert "established" not in profile["company"]
    assert form.field_for("company.established", [], 1) == "company.established"
    assert form.label_of("company.established") == ("established", None)
