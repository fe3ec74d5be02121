"""Storage through SQLAlchemy 2: stored assessments and hashed API keys."""
from api.storage.assessments import AssessmentStore, IdempotencyConflict, Saved
from api.storage.db import make_engine, upgrade
from api.storage.keys import KeyStore

__all__ = ["AssessmentStore", "IdempotencyConflict", "KeyStore", "Saved", "make_engine", "upgrade"]
