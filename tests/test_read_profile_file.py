"""Reading a profile file: the JSON fast path (bytes straight to orjson) gives what reading the text gives,
and every failure is named as before (unreadable, not UTF-8, broken JSON with its line and column, YAML)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.errors import ProfileError
from advisor.profile_io import _json, _read_bytes, parse_yaml, read_profile_file

GOOD = {"company": {"name": "甲公司", "sector": "retail"}, "transfers": []}


def _as_text(path: Path) -> object:
    """The reading of old: the text with universal newlines, then the parser."""
    text = path.read_text(encoding="utf-8")
    return _json(text) if path.suffix == ".json" else parse_yaml(text, str(path))


@pytest.mark.parametrize("body", [
    json.dumps(GOOD, ensure_ascii=False).encode(),
    json.dumps(GOOD, ensure_ascii=False, indent=2).replace("\n", "\r\n").encode(),
    json.dumps(GOOD, indent=1).replace("\n", "\r").encode(),
    json.dumps({**GOOD, "company": {**GOOD["company"], "personal_info_processed": 10**30}}).encode(),  # past 64 bits
])
def test_json_fast_path_reads_what_the_text_gives(tmp_path: Path, body: bytes) -> None:
    f = tmp_path / "p.json"
    f.write_bytes(body)
    assert read_profile_file(f) == _as_text(f)


def test_yaml_with_crlf_reads_as_the_text_does(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_bytes(b"company:\r\n  name: |\r\n    two\r\n    lines\r\n  sector: retail\r\ntransfers: []\r\n")
    assert read_profile_file(f) == _as_text(f)
    assert read_profile_file(f)["company"]["name"] == "two\nlines\n"


@pytest.mark.parametrize(("body", "says"), [
    (b'{"company": "\xff"}', "cannot read file: UnicodeDecodeError"),
    (b'{\n  "company": {,\n}', "not valid JSON (line 2, column 15)"),
    (b'{\r\n  "company": {,\r\n}', "not valid JSON (line 2, column 15)"),
    (b"\xef\xbb\xbf" + json.dumps(GOOD).encode(), "not valid JSON"),
    (b"[1, 2]", "a profile is a JSON/YAML object"),
    (b"null", "a profile is a JSON/YAML object"),
])
def test_bad_json_files_are_named(tmp_path: Path, body: bytes, says: str) -> None:
    f = tmp_path / "p.json"
    f.write_bytes(body)
    with pytest.raises(ProfileError) as got:
        read_profile_file(f)
    assert says in str(got.value) and str(f) in str(got.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read file: FileNotFoundError"):
        read_profile_file(tmp_path / "none.json")


@pytest.mark.parametrize("size", [0, 1, (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 3 * (1 << 16) + 7])
def test_read_bytes_of_any_size_is_the_file(tmp_path: Path, size: int) -> None:
    f = tmp_path / "p.json"
    body = bytes(i % 251 for i in range(size))
    f.write_bytes(body)
    assert _read_bytes(f) == body


def test_a_folder_or_a_missing_file_fails_as_read_bytes_fails(tmp_path: Path) -> None:
    (tmp_path / "d.json").mkdir()
    for path in (tmp_path / "d.json", tmp_path / "none.json"):
        with pytest.raises(OSError) as ours:
            _read_bytes(path)
        with pytest.raises(OSError) as theirs:
            path.read_bytes()
        assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)
    with pytest.raises(ProfileError, match=r"cannot read file: IsADirectoryError: \[Errno 21\] Is a directory: '.*d\.json'"):
        read_profile_file(tmp_path / "d.json")
