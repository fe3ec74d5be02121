"""Storage through SQLAlchemy 2: stored assessments and hashed API keys."""
from advisor_api.storage.assessments import AssessmentStore, IdempotencyConflict, Saved
from advisor_api.storage.db import make_engine, upgrade
from advisor_api.storage.keys import KeyStore

__all__ = ["AssessmentStore", "IdempotencyConflict", "KeyStore", "Saved", "make_engine", "upgrade"]
