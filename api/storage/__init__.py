"""Storage through SQLAlchemy 2: stored assessments, Idempotency-Keys, hashed API keys, server state."""
from advisor_api.storage.assessments import AssessmentStore, CursorError, Saved
from advisor_api.storage.db import make_engine, upgrade
from advisor_api.storage.idempotency import IdempotencyBusy, IdempotencyConflict, IdempotencyStore, Replay
from advisor_api.storage.keys import KeyStore

__all__ = ["AssessmentStore", "CursorError", "IdempotencyBusy", "IdempotencyConflict", "IdempotencyStore",
           "KeyStore", "Replay", "Saved", "make_engine", "upgrade"]
