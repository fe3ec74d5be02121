"""`advisor assess` formats and options: text a clerk reads aloud, JSON, JSONL for folders, Markdown, ICS, DOCX."""
from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ADVISOR = str(ROOT / ".venv" / "bin" / "advisor")
CASES = ROOT / "tests" / "samples"  # the project's copy of the v1 golden cases


def profile(name: str) -> dict:
    return json.loads((CASES / name).read_text(encoding="utf-8"))["profile"]


@pytest.fixture()
def v19(tmp_path) -> Path:
    f = tmp_path / "v19.yaml"
    f.write_text(yaml.safe_dump(profile("v19-filing-deadline.json"), allow_unicode=True), encoding="utf-8")
    return f


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ADVISOR, *args], capture_output=True, timeout=120)


def test_text_in_chinese_names_the_route_first_then_each_transfer_with_articles(v19):
    out = run("assess", str(v19)).stdout.decode()
    lines = out.splitlines()
    overall = next(i for i, l in enumerate(lines) if l.startswith("总体结论："))
    transfer = next(i for i, l in enumerate(lines) if l.startswith("[第1项数据出境："))
    assert overall < transfer
    assert "标准合同" in lines[overall]
    assert "《促进和规范数据跨境流动规定》第八条" in out and "2026-12-04" in out


def test_text_in_english(v19):
    out = run("assess", "--lang", "en", str(v19)).stdout.decode()
    assert "Overall: standard contract (filed) or certification (set by Transfer 1: to a third party in United States (marketing); 1 transfer(s) assessed)." in out
    assert "Provisions on Promoting and Regulating Cross-Border Data Flows, Art 8" in out


def test_yaml_profile_and_json_format_are_the_contract_shape(v19):
    doc = json.loads(run("assess", "--format", "json", str(v19)).stdout)
    for key in ("schema_version", "as_of", "rulepack", "overall", "totals", "transfers", "measures", "deadlines",
                "questions", "warnings"):
        assert key in doc
    assert doc["rulepack"]["digest"].startswith("sha256:")
    room = doc["totals"].pop("headroom")
    assert doc["totals"] == {"personal_info_subjects": 150000, "sensitive_info_subjects": 0,
                             "counted_since": "2026-01-01", "counted_transfers": ["t1"]}
    assert [(r["count"], r["threshold"], r["remaining"], r["rules"]) for r in room] == [
        ("personal_info_subjects", 1000000, 850000, ["cn.trigger.volume_personal"]),
        ("sensitive_info_subjects", 10000, 10000, ["cn.trigger.volume_sensitive"])]


def test_as_of_option_overrides_the_profile(v19):
    """In August 2023 the old rules applied: 150,000 persons since 1 January of the previous year needed
    a security assessment (2022 Measures Art 4(3))."""
    doc = json.loads(run("assess", "--format", "json", "--as-of", "2023-08-01", str(v19)).stdout)
    assert doc["as_of"] == "2023-08-01" and doc["totals"]["counted_since"] == "2022-01-01"
    assert doc["transfers"][0]["pathway"] == "security_assessment"
    assert {"instrument": "sa-measures-2022", "article": "4", "item": "3"} in doc["transfers"][0]["basis"]


def test_jsonl_over_a_folder_keeps_input_order(tmp_path):
    names = sorted(p.name for p in CASES.glob("v0*.json"))
    for n in names:
        (tmp_path / n).write_text(json.dumps(profile(n)), encoding="utf-8")
    proc = run("assess", "--format", "jsonl", str(tmp_path))
    rows = [json.loads(l) for l in proc.stdout.decode().splitlines()]
    assert proc.returncode == 0 and [Path(r["source"]).name for r in rows] == names
    assert proc.stderr == b""  # no progress bar when stderr is not a terminal


def test_markdown_report(v19):
    out = run("assess", "--format", "markdown", str(v19)).stdout.decode()
    assert out.startswith("# 数据出境合规路径评估")
    assert "## 第1项数据出境：" in out and "**路径**：订立标准合同（并备案）或通过个人信息保护认证" in out
    assert "| 日期 | 事项 | 数据传输 |" in out and "| 2026-12-04 |" in out
    for code in ("`", "[t1]", "standard_contract", "sc-measures-2023", "gba_standard_contract"):
        assert code not in out, code


def test_ics_calendar(v19):
    from icalendar import Calendar

    cal = Calendar.from_ical(run("assess", "--format", "ics", str(v19)).stdout)
    dates = {str(e.get("dtstart").dt) for e in cal.walk("VEVENT")}
    assert "2026-12-04" in dates


def test_docx_filing_pack(v19, tmp_path):
    import docx

    out = tmp_path / "pack.docx"
    proc = run("assess", "--format", "docx", "--output", str(out), str(v19))
    assert proc.returncode == 0
    document = docx.Document(io.BytesIO(out.read_bytes()))
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert "150,000" in cells and "上海市浦东新区" in cells and not any("310115" in c for c in cells)
    assert any(p.style.name.startswith("Heading") for p in document.paragraphs)


def test_measures_command_for_nansha():
    out = run("measures", "--region", "440115").stdout.decode()
    assert "粤港澳大湾区(内地、香港)个人信息跨境流动标准合同实施指引" in out and "gba-sc-hk-2023" not in out
    assert "[gba-sc-hk-2023]" in run("measures", "--region", "440115", "--ids").stdout.decode()


def test_bundle_writes_report_calendar_and_filing_pack_per_profile(v19, tmp_path):
    """One command gives a consultant the route, a calendar of every deadline and a filing pack."""
    import docx
    from icalendar import Calendar

    out = tmp_path / "client"
    proc = run("assess", "--bundle", str(out), str(v19))
    assert proc.returncode == 0 and "总体结论" in proc.stdout.decode()
    assert sorted(p.name for p in out.iterdir()) == ["v19.docx", "v19.en.docx", "v19.ics", "v19.json", "v19.md"]
    assert json.loads((out / "v19.json").read_text())["overall"] == "standard_contract_or_certification"
    assert "2026-12-04" in (out / "v19.md").read_text()
    assert [str(e.get("dtstart").dt) for e in Calendar.from_ical((out / "v19.ics").read_bytes()).walk("VEVENT")]
    assert docx.Document(str(out / "v19.docx")).paragraphs
    english = "\n".join(p.text for p in docx.Document(str(out / "v19.en.docx")).paragraphs)
    assert "Outbound data transfer filing pack" in english and "数据出境申报" not in english


def test_a_profile_on_standard_input():
    body = json.dumps(profile("v02-contract-band.json")).encode()
    proc = subprocess.run([ADVISOR, "assess", "--format", "json", "-"], input=body, capture_output=True, timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout)["overall"] == "standard_contract_or_certification"
    bad = subprocess.run([ADVISOR, "assess", "-"], input=b"{bad", capture_output=True, timeout=60)
    assert bad.returncode == 2 and bad.stdout == b"" and b"not valid JSON" in bad.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_through_a_pipe_loses_nothing_at_the_quick_exit(tmp_path, jobs):
    """A batch (more files than a chunk) ends with os._exit (advisor.cli.run): every line and every error message
    must be out by then, through a pipe as to a file."""
    from bench.profiles import profiles

    for i, p in enumerate(profiles(300, seed=5)):
        (tmp_path / f"p{i:03d}.json").write_text(json.dumps(p), encoding="utf-8")
    (tmp_path / "p150b.json").write_text("{broken", encoding="utf-8")
    proc = subprocess.run([ADVISOR, "assess", "--format", "jsonl", "--jobs", jobs, str(tmp_path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 2
    assert len(lines) == 300 and proc.stdout.endswith(b"\n")
    assert [Path(json.loads(l)["source"]).name for l in lines] == [f"p{i:03d}.json" for i in range(300)]
    assert b"p150b.json" in proc.stderr and b"not valid JSON" in proc.stderr


def test_the_batch_widens_a_pipe_on_stdout_and_leaves_files_alone(tmp_path, monkeypatch):
    import fcntl
    import os
    import sys

    from advisor.batch import PIPE_BYTES, _wide_pipe

    r, w = os.pipe()
    try:
        monkeypatch.setattr(sys, "stdout", os.fdopen(w, "w", closefd=False))
        assert fcntl.fcntl(w, fcntl.F_GETPIPE_SZ) < PIPE_BYTES
        _wide_pipe()
        assert fcntl.fcntl(w, fcntl.F_GETPIPE_SZ) == PIPE_BYTES
    finally:
        os.close(r)
        os.close(w)
    with open(tmp_path / "out", "w") as f:
        monkeypatch.setattr(sys, "stdout", f)
        _wide_pipe()  # a file: nothing to widen, no error
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    _wide_pipe()  # no file descriptor at all: no error


def test_the_program_runs_main_and_other_commands_end_as_usual():
    import sys

    proc = subprocess.run([sys.executable, "-c", "import sys; sys.argv = ['advisor', 'schema', 'profile']; "
                           "from advisor.cli import run; run()"], capture_output=True, timeout=120)
    assert proc.returncode == 0 and json.loads(proc.stdout)
