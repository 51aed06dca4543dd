"""The root `Mutation`, composed from one class per domain."""

from __future__ import annotations

import strawberry

from schema.mutations.categories import CategoryMutations
from schema.mutations.features import FeatureMutations
from schema.mutations.grids import GridMutations
from schema.mutations.packages import PackageMutations
from schema.webhooks import WebhookMutations


@strawberry.type(description="Edits. Each needs a token (see the README) and is one transaction.")
class Mutation(
    PackageMutations, GridMutations, FeatureMutations, CategoryMutations, WebhookMutations
):
    pass


__all__ = ["Mutation"]
