"""A cohort (the same document, different root-field variables, one permission class)
resolves each changed object once per change batch: executions and SQL statements do not
grow with the number of distinct subscribers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, OperationType, parse
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from auth import Scope, issue_token
from events.hub import EventHub
from events.memory import MemoryBroker
from schema.context import Context
from schema.subscriptions import cohorts
from schema.subscriptions import emission as emissions
from schema.subscriptions.cohorts import selection_variables
from tests.factories import package_record
from tests.subscriptions.test_batching_and_cleanup import _quiet
from writes import IMPORTER, Change, open_unit, upsert_package

WATCH = (
    "subscription ($ids: [Int!]) { packageChanged(ids: $ids) { title repoWatchers "
    "category { title } grids { slug } participants(first: 2) { nodes { login } } } }"
)
FIRST_N = (
    "subscription ($ids: [Int!], $n: Int!) { packageChanged(ids: $ids) { title "
    "participants(first: $n) { nodes { login } } } }"
)


def _variables_of(document: str) -> frozenset[str]:
    parsed = parse(document)
    [operation] = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return selection_variables(document, operation, lambda: fragments)


def test_root_field_arguments_are_not_part_of_the_cohort_key():
    assert _variables_of(WATCH) == frozenset()
    assert _variables_of(FIRST_N) == {"n"}
    through_fragments = """
    subscription ($s: [String!], $a: Boolean!, $b: Boolean!, $c: Int!) {
      ... on Subscription { packageChanged(slugs: $s) @include(if: $a) { ...P } }
    }
    fragment P on Package { title @skip(if: $b) grids { ...G } }
    fragment G on Grid { slug packages(first: $c) { nodes { slug } } }
    """
    assert _variables_of(through_fragments) == {"a", "b", "c"}


def test_the_memo_of_documents_is_bounded_in_bytes(monkeypatch):
    monkeypatch.setattr(cohorts, "_REMEMBERED_BYTES", 1000)
    monkeypatch.setattr(cohorts, "_SELECTION_VARIABLES", {})
    monkeypatch.setattr(cohorts, "_remembered_bytes", 0)
    for number in range(50):
        assert _variables_of(f"{FIRST_N} # {number}") == {"n"}
    kept = cohorts._SELECTION_VARIABLES
    assert 0 < sum(len(body) for body, _ in kept) <= 1000
    assert cohorts._remembered_bytes == sum(len(body) for body, _ in kept)


@contextmanager
def _executions() -> Iterator[list[str]]:
    """Records each subscription event's execution (its root field); baselines aside."""
    seen: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_operation

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        emission = emissions.peek()
        if self.operation.operation is OperationType.SUBSCRIPTION and not (
            emission is not None and emission.prime
        ):
            seen.append(self.operation.selection_set.selections[0].name.value)
        return original(self, *args, **kwargs)

    patch = pytest.MonkeyPatch()
    patch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counting)
    try:
        yield seen
    finally:
        patch.undo()


async def _subscribe(
    graphql_schema: Any, contexts: list[Context], document: str, variables: list[dict[str, Any]]
) -> tuple[list[asyncio.Task[None]], list[asyncio.Queue[Any]]]:
    """One subscriber per context and variable set, each with its own queue of results."""
    queues: list[asyncio.Queue[Any]] = [asyncio.Queue() for _ in variables]
    hub = contexts[0].hub
    assert hub is not None
    before = hub.subscriptions

    async def run(context: Context, values: dict[str, Any], queue: asyncio.Queue[Any]) -> None:
        results = await graphql_schema.subscribe(
            document, context_value=context, variable_values=values
        )
        async for result in results:
            await queue.put(result)

    tasks = [
        asyncio.create_task(run(context, values, queue))
        for context, values, queue in zip(contexts, variables, queues, strict=True)
    ]
    while hub.subscriptions < before + len(variables):
        await asyncio.sleep(0.01)
    return tasks, queues


async def _write(catalogue: Any, **fields: Any) -> list[Change]:
    """Package 1 changed; the changes are published by the caller."""
    changes: list[Change] = []

    async def keep(batch: Any) -> None:
        changes.extend(batch)

    async with open_unit(catalogue, actor=IMPORTER, publish=keep) as unit:
        await upsert_package(unit, package_record(1, grid_ids=(1, 2), **fields))
    return changes


async def _stop(tasks: list[asyncio.Task[None]], hub: EventHub) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await hub.stop()


@pytest.mark.parametrize("count", [10, 1000])
async def test_a_cohort_costs_one_execution_and_the_same_statements_per_batch(
    catalogue, graphql_schema, settings, count_statements, count
):
    """`count` subscribers, each with its own variables (package 1 and one of its own)."""
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    contexts = [Context.create(db=catalogue, settings=settings, hub=hub) for _ in range(count)]
    variables = [{"ids": [1, 10_000 + index]} for index in range(count)]
    tasks, queues = await _subscribe(graphql_schema, contexts, WATCH, variables)
    try:
        await _quiet(count_statements)  # every baseline read
        changes = await _write(catalogue, repo_watchers=4321)
        with _executions() as executions, count_statements() as log:
            await hub.publish(changes)
            results = [await asyncio.wait_for(queue.get(), 30) for queue in queues]
        assert all(r.data["packageChanged"]["repoWatchers"] == 4321 for r in results)
        assert executions == ["packageChanged"]  # one for the cohort, not one per subscriber
        # package, category, grids, participants page: one statement each, shared by all.
        assert log.count <= 4, log.statements
    finally:
        await _stop(tasks, hub)


async def test_variables_the_selection_reads_keep_subscribers_apart(
    catalogue, graphql_schema, settings
):
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    contexts = [Context.create(db=catalogue, settings=settings, hub=hub) for _ in range(3)]
    variables = [{"ids": [1], "n": 1}, {"ids": [1, 2], "n": 2}, {"ids": [1, 3], "n": 1}]
    tasks, queues = await _subscribe(graphql_schema, contexts, FIRST_N, variables)
    try:
        with _executions() as executions:
            await hub.publish(await _write(catalogue, title="Renamed"))
            results = [await asyncio.wait_for(queue.get(), 10) for queue in queues]
        assert len(executions) == 2  # n=1 twice (one execution), n=2 once
        pages = [len(r.data["packageChanged"]["participants"]["nodes"]) for r in results]
        assert pages == [1, 2, 1]
    finally:
        await _stop(tasks, hub)


async def test_permission_classes_never_share_an_execution(catalogue, graphql_schema, settings):
    """Anonymous, two write tokens and an admin token: three classes, three executions."""
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    contexts = [Context.create(db=catalogue, settings=settings, hub=hub)]
    for name, scope in (("w1", Scope.WRITE), ("w2", Scope.WRITE), ("a1", Scope.ADMIN)):
        token = (await issue_token(catalogue, name=name, scope=scope)).token
        context = Context.create(db=catalogue, settings=settings, hub=hub)
        context.connection_params = {"token": token}
        assert await context.identity() is not None  # as `connection_init` checks it
        contexts.append(context)
    unchecked = Context.create(db=catalogue, settings=settings, hub=hub)
    unchecked.connection_params = {"token": "not looked up yet"}
    contexts.append(unchecked)
    variables = [{"ids": [1, index]} for index in range(len(contexts))]
    tasks, queues = await _subscribe(graphql_schema, contexts, WATCH, variables)
    try:
        with _executions() as executions:
            await hub.publish(await _write(catalogue, repo_watchers=99))
            results = [await asyncio.wait_for(queue.get(), 10) for queue in queues]
        assert all(r.data["packageChanged"]["repoWatchers"] == 99 for r in results)
        # anonymous, write (shared by two tokens), admin, and an unchecked token alone
        assert len(executions) == 4
    finally:
        await _stop(tasks, hub)


async def test_a_webhook_follower_rides_the_same_batch(catalogue, graphql_schema, settings):
    """A webhook's stream (resuming after its stored cursor) and a WebSocket subscriber
    with other variables: after the catch-up, one execution per changed object."""
    hub = EventHub(catalogue, MemoryBroker())
    await hub.start()
    live = Context.create(db=catalogue, settings=settings, hub=hub)
    tasks, [queue] = await _subscribe(graphql_schema, [live], WATCH, [{"ids": [1]}])
    try:
        await hub.publish(await _write(catalogue, repo_watchers=7))
        cursor = (await asyncio.wait_for(queue.get(), 10)).extensions["eventId"]
        follower = Context.create(db=catalogue, settings=settings, hub=hub, resume_after=cursor)
        more, [delivered] = await _subscribe(graphql_schema, [follower], WATCH, [{"ids": [1, 2]}])
        tasks += more
        with _executions() as executions:
            await hub.publish(await _write(catalogue, repo_watchers=8))
            results = [await asyncio.wait_for(q.get(), 10) for q in (queue, delivered)]
        assert [r.data["packageChanged"]["repoWatchers"] for r in results] == [8, 8]
        assert executions == ["packageChanged"]
    finally:
        await _stop(tasks, hub)
