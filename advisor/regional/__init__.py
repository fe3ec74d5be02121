"""Regional facilitation measures: the catalogue (rules/regional/*.yaml), status at a date, matching."""
