"""pydantic models: the profile (input), the assessment (output) and the rule pack."""
