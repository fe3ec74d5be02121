"""Deadlines (contract §4 ids) on China's working-day calendar.

    compute_deadlines(profile, as_of, pathways, calendar=None, rules=None) -> (deadlines, warnings)
"""
from advisor.deadlines.compute import compute_deadlines, refiling_triggers
from advisor.deadlines.rules import (
           DeadlineRules,
           default_deadline_rules,
           load_deadline_rules,
)

__all__ = ["DeadlineRules", "compute_deadlines", "default_deadline_rules", "load_deadline_rules",
           "refiling_triggers"]
