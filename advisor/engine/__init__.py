"""Matching rule conditions against facts: durable_rules (production) and a plain-Python oracle."""
