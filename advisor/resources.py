"""Where the rules come from: the folder shipped with the package (the repository's rules/, installed as
the package ``advisor_rules`` and found through importlib.resources, never a path relative to the source
tree), or a folder of the user's own (``--rules DIR``, ``ADVISOR_RULES``, ``Advisor.load(rules_dir)``).

    shipped_rules_dir() -> Path             the folder in this installation
    chosen_rules_dir(explicit=None) -> Path explicit > $ADVISOR_RULES > shipped; checked (PackError)
    rules_dir() -> Path                     the folder this process uses (the last one an Advisor loaded)

A custom rules folder is a full copy of rules/ (see docs/rules.md): every part in REQUIRED must be
there. One process uses one rules folder at a time: the gazetteer, deadlines, calendar and filing packs
are read from ``rules_dir()``, which ``Advisor.load`` sets once the whole folder has loaded cleanly.
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from advisor.errors import PackError

ENV = "ADVISOR_RULES"

# What a rules folder must hold: (relative path, is a folder, what it is).
REQUIRED: tuple[tuple[str, bool, str], ...] = (
    ("national/pack.yaml", False, "the pack's id, version and labels"),
    ("instruments.yaml", False, "the laws and rules cited"),
    ("regional", True, "the catalogue of regional measures"),
    ("gazetteer/divisions", True, "the administrative divisions (GB/T 2260)"),
    ("gazetteer/zones.yaml", False, "the special zones"),
    ("gazetteer/former_codes.yaml", False, "division codes that changed"),
    ("national/deadlines.yaml", False, "the deadlines"),
    ("national/calendar.yaml", False, "the statutory holidays"),
    ("national/filing_packs.yaml", False, "the filing packs"),
    ("labels.yaml", False, "the words for the vocabularies' codes"),
    ("countries.yaml", False, "the names of countries and regions"),
)

_active: Path | None = None


def shipped_rules_dir() -> Path:
    """The rules/ folder shipped with this installation (a source checkout or an installed wheel)."""
    return Path(str(files("advisor_rules")))


def check_rules_dir(path: str | Path, origin: str = "rules folder") -> Path:
    """The folder, resolved, if it holds every part of a rule pack; otherwise a PackError naming what is
    missing. ``origin`` says where the folder was given (``--rules``, ``ADVISOR_RULES``)."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise PackError(str(root), f"{origin}: no such folder (give a copy of the shipped rules/ folder)")
    root = root.resolve()
    missing = [f"{rel} ({what})" for rel, is_dir, what in REQUIRED
               if not ((root / rel).is_dir() if is_dir else (root / rel).is_file())]
    if missing:
        raise PackError(str(root), f"{origin}: not a complete rules folder; missing {'; '.join(missing)}. "
                                   "A custom rules folder is a full copy of the shipped rules/ folder "
                                   "(`advisor rules copy DIR` writes one), amended")
    return root


def chosen_rules_dir(explicit: str | Path | None = None) -> Path:
    """The folder a caller asks for: ``explicit`` (``--rules``), else $ADVISOR_RULES, else the shipped one."""
    if explicit:
        return check_rules_dir(explicit, "--rules")
    env = os.environ.get(ENV)
    if env:
        return check_rules_dir(env, ENV)
    return shipped_rules_dir().resolve()


def rules_dir() -> Path:
    """The rules folder this process uses (chosen once, then the one ``Advisor.load`` last activated)."""
    global _active
    if _active is None:
        _active = chosen_rules_dir()
    return _active


def activate(root: Path) -> None:
    """Make ``root`` the folder the gazetteer, deadlines, calendar and filing packs are read from."""
    global _active
    _active = root
