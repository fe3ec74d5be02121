"""HTTP API for consultants (spec/contract.md §6): FastAPI app, storage, API keys, `advisor serve`."""
