"""Where the data shipped with the package lives, found through importlib.resources (never a path
relative to the source tree): the rule packs (the repository's rules/ folder, installed as the package
``advisor_rules``)."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped_rules_dir() -> Path:
    """The rules/ folder shipped with this installation (a source checkout or an installed wheel)."""
    return Path(str(files("advisor_rules")))
