"""advisor/portfolio.py: cells that no spreadsheet runs as a formula (OWASP CSV injection)."""
from __future__ import annotations

import pytest

from advisor.portfolio import safe_cell


@pytest.mark.parametrize("value, cell", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1+2", "'+1+2"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("|x", "'|x"), ("普通公司", "普通公司"), ("a=b", "a=b"), (None, ""), (42, "42"),
    ("line\nbreak", "line break"), ("\rcarriage", " carriage"),
])
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell
