"""Re-assessing one stored assessment for a job: the profile as stored, the rules now loaded, the job's date.
The change entry is advisor/impact.py's (`compare`), with nothing of its own; the stored assessment is
only read, never overwritten."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import orjson

from advisor.errors import ProfileError
from advisor.impact import compare
from advisor_api.jobs.store import Item, Outcome

log = logging.getLogger("api.jobs")


def reassess(advisor: Any, as_of: dt.date, item: Item) -> Outcome:
    if item.profile is None or item.result is None:
        return Outcome(item.seq, "gone")  # erased after the job listed it
    try:
        before = orjson.loads(item.result)
        after = advisor.assess(orjson.loads(item.profile), as_of=as_of)
    except ProfileError as err:  # the stored profile no longer passes today's checks
        return Outcome(item.seq, "failed", {"id": item.assessment_id, "message": str(err)[:500],
                                            "errors": [e.as_dict() for e in err.errors][:20]})
    except Exception as err:  # noqa: BLE001 - one bad item must not stop a portfolio; logged, reported
        log.error("job item %s: %s", item.assessment_id, type(err).__name__)
        return Outcome(item.seq, "failed", {"id": item.assessment_id, "message": f"internal error ({type(err).__name__})"})
    entry = compare(before, after, id=item.assessment_id)
    return Outcome(item.seq, "unchanged") if entry is None else Outcome(item.seq, "changed", entry)
