"""统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters whose last is a check
character computed from the other 17 (weights 3^i mod 31 over the 31-character alphabet below)."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StrictStr

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # GB 32100-2015 table: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


# What the schema promises (the check character aside, which no JSON Schema can state): 18 characters of the
# alphabet, either case, spaces around allowed.
PATTERN = "^ *[0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]{18} *$"


def validate_credit_code(value: str) -> str:
    code = value.strip(" ").upper()
    if len(code) != 18:
        raise ValueError(f"a unified social credit code has 18 characters, this one has {len(code)}")
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise ValueError(f"character(s) {''.join(bad)!r} cannot occur in a unified social credit code")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValueError(f"check character is {code[17]!r} but the first 17 characters give {expected!r}")
    return code


CreditCode = Annotated[StrictStr, Field(description="统一社会信用代码 (GB 32100-2015): 18 characters, the last a check "
                                                    "character computed from the first 17; a wrong one is refused (422).",
                                        examples=["91350100M000100Y43"], json_schema_extra={"pattern": PATTERN}),
                       AfterValidator(validate_credit_code)]
