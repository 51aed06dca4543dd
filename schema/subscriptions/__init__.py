"""The root `Subscription`: changes pushed to integrations, only when their selection changed.

How: writes publish events after commit (events/); each process's hub hands every
batch, with one shared set of loaders, to its subscriptions; each subscription picks
the objects the events may have changed for its selection (selection.py, relevance.py),
resolves them, and `changed_only` drops a result equal to the last one it sent.
Subscribers of one document that each follow their own packages share one stream
(cohort_follow.py, `server.websocket.cohort`), which keeps each one's last results.
"""

from __future__ import annotations

import strawberry

from schema.subscriptions.changed_only import changed_only
from schema.subscriptions.grids import GridSubscriptions
from schema.subscriptions.packages import PackageSubscriptions


@strawberry.type(description="Changes, pushed. Each result carries `extensions.eventId`.")
class Subscription(PackageSubscriptions, GridSubscriptions):
    pass


__all__ = ["Subscription", "changed_only"]
