"""`advisor assess FOLDER` lists the profiles as ``sorted(rglob("*"))`` filtered by suffix did: the same paths, in
the same order (``advisor.cli._tree`` walks the folder itself, for speed)."""
from __future__ import annotations

import os
from pathlib import Path

from advisor.cli import _PROFILE_SUFFIXES, _files, _tree


def _rglob(root: Path) -> list[Path]:
    return sorted(f for f in root.rglob("*") if f.suffix.lower() in _PROFILE_SUFFIXES)


def test_the_walk_lists_what_rglob_lists_in_its_order(tmp_path: Path) -> None:
    root = tmp_path / "in"
    names = ["b.json", "a.JSON", "c.yml", "d.YAML", "e.txt", ".hidden.json", ".json", "x.", "noext", "z.json.bak",
             "a-b/c.json", "a/b.json", "a/a-b.json", "a/sub/deep/f.yaml", "a b/x.json", "é/ü.json", "10.json",
             "9.json", "A.json", "_.json", "a.json/inner.json"]
    for n in names:
        f = root / n
        f.parent.mkdir(parents=True, exist_ok=True)
        if n == "a.json/inner.json":
            continue
        f.write_text("{}")
    (root / "a.json" / "inner.json").write_text("{}")  # in a folder whose name looks like a profile (listed too)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.json").write_text("{}")
    os.symlink(outside, root / "link")  # a link to a folder: not followed
    os.symlink(outside / "o.json", root / "linked.json")  # a link to a file: listed
    os.symlink(tmp_path / "gone.json", root / "broken.json")  # a broken link: listed
    want = _rglob(root)
    assert len(want) > 15
    assert _tree(root) == want
    assert [str(p) for p in _tree(root)] == [str(p) for p in want]
    for arg in (str(root), str(root) + "/", str(root / "a" / ".." / "a")):
        assert list(_files([arg])) == _rglob(Path(arg))


def test_relative_folders_give_relative_paths(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "p" / "q").mkdir(parents=True)
    for n in ("p/1.json", "p/q/2.yaml"):
        (tmp_path / n).write_text("{}")
    monkeypatch.chdir(tmp_path)
    for arg in (".", "p", "./p", "p/q"):
        assert [str(f) for f in _files([arg])] == [str(f) for f in _rglob(Path(arg))]
