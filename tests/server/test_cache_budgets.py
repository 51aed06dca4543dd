"""The app sizes the process's document and plan caches from its settings."""

from __future__ import annotations

from core.settings import Settings
from fastpath.cache import PLANS
from schema.documents import DOCUMENTS
from server.app import create_app
from server.graphql_http.persisted import MemoryPersistedQueries
from server.stores import make_persisted_queries


def test_cache_budgets_come_from_the_settings(settings: Settings) -> None:
    before = DOCUMENTS.budget, PLANS.budget
    changed = settings.model_copy(
        update={
            "document_cache_bytes": 1_000_000,
            "plan_cache_bytes": 500_000,
            "persisted_query_bytes": 250_000,
            "redis_url": None,
            "trusted_documents": None,
        }
    )
    try:
        create_app(changed)
        assert (DOCUMENTS.budget, PLANS.budget) == (1_000_000, 500_000)
        store = make_persisted_queries(changed)
        assert isinstance(store, MemoryPersistedQueries)
        assert store._documents.budget == 250_000
    finally:
        DOCUMENTS.budget, PLANS.budget = before
