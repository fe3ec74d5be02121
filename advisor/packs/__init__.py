"""Loading and validating the rule packs in rules/."""
