"""POST /v1/portfolio:reassess, GET /v1/jobs/{id}[/changes] on SQLite (in-process runner) and PostgreSQL
(procrastinate queue): the issue's case, paging, validation, tenancy; stored assessments stay as they were."""
from __future__ import annotations

import pytest
from portfolio_jobs_support import OLD_REGIME, PROVISIONS_2024, keyed_app, named, wait_done


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request, tmp_path):
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with keyed_app(tmp_path, url) as c:
        c.old = c.post("/v1/assessments", json=OLD_REGIME, headers=c.alice).json()  # type: ignore[attr-defined]
        c.new = c.post("/v1/assessments", json=PROVISIONS_2024, headers=c.alice).json()  # type: ignore[attr-defined]
        c.bobs = c.post("/v1/assessments", json=named(OLD_REGIME, "鲍勃公司"), headers=c.bob).json()  # type: ignore[attr-defined]
        yield c


def reassess(api, headers, body):
    r = api.post("/v1/portfolio:reassess", json=body, headers=headers)
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"/v1/jobs/{r.json()['job']}"
    return r.json()["job"]


def test_the_2022_regime_client_turns_exempt_naming_the_rules_and_the_2024_one_is_unchanged(api):
    assert api.old["overall"] == "standard_contract_or_certification" and api.new["overall"] == "exempt"
    job = reassess(api, api.alice, {"as_of": "2026-11-27"})
    view = wait_done(api, job, api.alice, api.drain)
    assert view["status"] == "done" and view["as_of"] == "2026-11-27"
    assert view["progress"] == {"done": 2, "total": 2}  # bob's client is not alice's
    result = view["result"]
    assert result["unchanged"] == 1 and result["changed_total"] == 1 and result["failed"] == []
    [entry] = result["changed"]
    assert entry["id"] == api.old["id"] and entry["company"] == "旧规则公司"
    assert entry["before"]["overall"] == "standard_contract_or_certification"
    assert entry["after"]["overall"] == "exempt"
    assert entry["after"]["transfers"]["crm"]["exemption"] and entry["before"]["transfers"]["crm"]["options"]
    started = {r["rule"] for r in entry["why"]["rules_started"]}
    stopped = {r["rule"] for r in entry["why"]["rules_stopped"]}
    assert "cn.exempt.below_threshold" in started and "cn.option.standard_contract" in stopped
    assert entry["as_of"] == {"before": "2023-12-01", "after": "2026-11-27"}
    # counted in 2022's window, re-assessed in 2026's: the entry says the counts were declared for the earlier one
    assert any("counted since" in w["en"] and "2026-11-27" in w["en"] for w in entry["warnings"])
    # nothing stored was overwritten, nothing new was stored
    assert api.get(f"/v1/assessments/{api.old['id']}", headers=api.alice).json() == api.old
    assert len(api.get("/v1/assessments", headers=api.alice).json()["assessments"]) == 2
    # the paged list holds the same entry
    page = api.get(f"/v1/jobs/{job}/changes", headers=api.alice).json()
    assert page == {"changes": [entry], "next_cursor": None}


def test_changes_are_paged_with_a_cursor_and_ids_narrow_the_job(api):
    more = [api.post("/v1/assessments", json=named(OLD_REGIME, f"客户{i}"), headers=api.alice).json()["id"]
            for i in range(3)]
    job = reassess(api, api.alice, {"as_of": "2026-11-27", "ids": [*more, api.new["id"]]})
    view = wait_done(api, job, api.alice, api.drain)
    assert view["progress"] == {"done": 4, "total": 4} and view["result"]["unchanged"] == 1
    seen, cursor = [], None
    while True:
        r = api.get(f"/v1/jobs/{job}/changes?limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=api.alice)
        assert r.status_code == 200
        seen += [e["id"] for e in r.json()["changes"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(more) and len(seen) == 3  # every changed one, once, the old one not asked for


def test_a_key_sees_only_its_own_jobs(api):
    job = reassess(api, api.alice, {"as_of": "2026-11-27"})
    for path in (f"/v1/jobs/{job}", f"/v1/jobs/{job}/changes"):
        r = api.get(path, headers=api.bob)
        assert r.status_code == 404 and job in r.text
        assert api.get(path).status_code == 401
    bobs = reassess(api, api.bob, {"as_of": "2026-11-27"})
    view = wait_done(api, bobs, api.bob, api.drain)
    assert view["progress"] == {"done": 1, "total": 1}
    assert [e["id"] for e in view["result"]["changed"]] == [api.bobs["id"]]
    # another key's assessment cannot be named either
    r = api.post("/v1/portfolio:reassess", json={"ids": [api.old["id"]]}, headers=api.bob)
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "body.ids.0"


@pytest.mark.parametrize("body, field", [
    ({"as_of": "2026-13-01"}, "body.as_of"), ({"as_of": 20261127}, "body.as_of"), ({"as_of": None}, "body.as_of"),
    ({"as_of": "2020-01-01"}, "body.as_of"), ({"when": "2026-11-27"}, "body.when"), ([], "body"),
    ({"ids": []}, "body.ids"), ({"ids": "abc"}, "body.ids"), ({"ids": ["x"]}, "body.ids.0"),
    ({"ids": ["a" * 32, "a" * 32]}, "body.ids.1"), ({"ids": ["b" * 32]}, "body.ids.0"),
])
def test_bad_input_is_refused_naming_the_field(api, body, field):
    r = api.post("/v1/portfolio:reassess", json=body, headers=api.alice)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["errors"][0]["field"] == field


def test_bad_job_ids_and_cursors_are_refused(api):
    job = reassess(api, api.alice, {"as_of": "2026-11-27"})
    assert api.get("/v1/jobs/nope", headers=api.alice).status_code == 422
    assert api.get("/v1/jobs/" + "0" * 32, headers=api.alice).status_code == 404
    r = api.get(f"/v1/jobs/{job}/changes?cursor=abc", headers=api.alice)
    assert r.status_code == 422 and "cursor" in r.text
    assert api.get(f"/v1/jobs/{job}/changes?limit=0", headers=api.alice).status_code == 422
    assert api.get(f"/v1/jobs/{job}/changes?page=2", headers=api.alice).status_code == 422


def test_without_as_of_the_job_runs_as_of_today_in_shanghai(api):
    import datetime as dt

    job = reassess(api, api.alice, {})
    view = wait_done(api, job, api.alice, api.drain)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    assert view["as_of"] == today and view["status"] == "done"


def test_docs_show_an_example_for_every_portfolio_endpoint(client):
    doc = client.get("/openapi.json").json()
    ops = [(m, p, op) for p, item in doc["paths"].items() for m, op in item.items() if "portfolio" in op.get("tags", [])]
    assert len(ops) >= 11
    for method, path, op in ops:
        answers = [c for r in op["responses"].values() for c in (r.get("content") or {}).values()
                   if "example" in c or "examples" in c]
        body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
        assert answers or "examples" in body or "Example:" in op.get("description", ""), f"{method} {path}"
        assert "Example:" in op.get("description", "") or answers, f"{method} {path}"
    reassess = doc["paths"]["/v1/portfolio:reassess"]["post"]
    assert set(reassess["requestBody"]["content"]["application/json"]["examples"]) == {"all", "some", "today"}
    job = doc["paths"]["/v1/jobs/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    assert job["result"]["changed"][0]["why"]["rules_started"]


def test_erasing_a_client_erases_it_from_job_results(api):
    job = reassess(api, api.alice, {"as_of": "2026-11-27"})
    assert wait_done(api, job, api.alice, api.drain)["result"]["changed_total"] == 1
    assert api.delete(f"/v1/assessments/{api.old['id']}", headers=api.alice).status_code == 204
    view = api.get(f"/v1/jobs/{job}", headers=api.alice).json()
    assert view["result"]["changed"] == [] and "旧规则公司" not in str(view)
    assert api.get(f"/v1/jobs/{job}/changes", headers=api.alice).json()["changes"] == []
