"""China outbound data-transfer compliance pathway advisor.

Public surface: ``Advisor`` (advisor.service) — load the rule packs once, then ``assess(profile)``.
"""
