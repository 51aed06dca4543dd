"""A cohort's per-batch re-read through the compiled path (`server.websocket.cohort_reads`):
each member's messages equal, byte for byte, those of a subscriber with a Strawberry stream
of its own, for selections with nested relations, fragments, `__typename` and aliases,
changed-only silences included; with COMPILED_DIFFERENTIAL on, the server also checks every
compiled object against Strawberry's execution of it. A selection that does not compile, or
a batch the compiled read refuses, is executed by Strawberry as before."""

from __future__ import annotations

import asyncio
from typing import Any

from fastpath import keyed
from fastpath.compiler_tools import Unsupported
from server.websocket import cohort_reads
from server.websocket.cohort import Cohort
from tests.subscriptions.conftest import LiveServer, live_server
from tests.subscriptions.test_cohort_stream import _cohorts, _edit, _same, _solo
from tests.subscriptions.test_cohorts import _token
from tests.subscriptions.test_fanout import _until
from tests.subscriptions.wsclient import GraphQLSocket

NESTED = """subscription ($ids: [Int!]) {
  packageChanged(ids: $ids) {
    __typename title watchers: repoWatchers repoHost lastUpdated
    category { __typename title }
    grids { slug title packages(first: 2) { totalCount nodes { slug } } }
    participants(first: 2) { totalCount nodes { login } pageInfo { hasNextPage endCursor } }
  }
}"""
FRAGMENTS = """subscription Watch($s: [String!], $n: Int!, $more: Boolean!) {
  ... on Subscription { changed: packageChanged(slugs: $s) { ...P ... on Package { repoHost } } }
}
fragment P on Package {
  __typename slug stars: repoWatchers
  grids { ...G }
  participants(first: $n) { edges { cursor node { login } } }
  repoForks @include(if: $more)
}
fragment G on Grid { __typename slug features { title } }"""
# A page size the reference refuses: every result is an error, never compiled.
REFUSED = (
    "subscription ($ids: [Int!]) { packageChanged(ids: $ids) { title "
    "participants(first: 500) { totalCount } } }"
)


def _differential(live_settings: Any) -> Any:
    return live_settings.model_copy(
        update={"max_connections_per_client": 20, "compiled_differential": True}
    )


async def _pairs(live: LiveServer, watched: list[Any], query: str, name: str) -> list[Any]:
    """For each variable set, a member of the cohort and a solo subscriber. The solos hold
    a write token: another permission class, so no result of theirs is shared with the
    cohort's (`schema.subscriptions.shared_results`); each is Strawberry's alone."""
    pairs = []
    for number, variables in enumerate(watched):
        member = await GraphQLSocket.open(live.ws_url)
        init = await _token(live.app.state.db, f"solo {name} {number}")
        solo = await GraphQLSocket.open(live.ws_url, payload=init)
        await _solo(live, solo, query, variables)
        before = live.app.state.hub.subscriptions
        await member.subscribe(query, variables)
        await _until(lambda: live.app.state.hub.subscriptions > before, name)  # noqa: B023
        pairs.append((member, solo))
    return pairs


async def _close(pairs: list[Any]) -> None:
    for member, solo in pairs:
        await member.close()
        await solo.close()


EDITS: tuple[tuple[int, int, dict[str, Any]], ...] = (
    (1, 1, {"title": "One"}),
    (1, 2, {"title": "One"}),  # equal: no change at all, no event
    (1, 2, {"repoDescription": "not selected"}),
    (2, 1, {"repoWatchers": 5}),
    (1, 3, {"repoUrl": "https://gitlab.com/example/moved"}),  # its host
    (3, 1, {"repoForks": 9, "title": "Three"}),
)
NESTED_SEES = frozenset({0, 3, 4, 5})  # the edits a selection sees (the others: silence)
FRAGMENTS_SEES = frozenset({3, 4, 5})


async def _run(
    live: LiveServer, tokens: Any, query: str, watched: list[Any], sees: frozenset[int]
) -> Cohort:
    """Members and solo subscribers of `watched`, then `EDITS` one at a time, each once the
    cohort has taken the one before (edits racing a batch's read may show in it, with the
    compiled read as with Strawberry's): each member's messages equal its solo's, silences
    included. The members' cohort."""
    pairs = await _pairs(live, watched, query, "members")
    try:
        [cohort] = _cohorts(live)
        members = list(cohort.members.values())
        await _until(lambda: all(m.arrived_at is not None for m in members), "the baselines")
        await asyncio.sleep(0.2)  # the solos' baselines
        for index, (package, version, fields) in enumerate(EDITS):
            batches = cohort._batches
            await _edit(live, tokens, package, version, **fields)
            if index != 1 and any(package in _packages(v) for v in watched):
                await _until(lambda: cohort._batches > batches, "its batch")  # noqa: B023
            for (member, solo), variables in zip(pairs, watched, strict=True):
                if index in sees and package in _packages(variables):
                    assert await member.receive() == await solo.receive(), index
            await asyncio.sleep(0.05)  # a silent batch's turn in the solos' streams
        for member, solo in pairs:
            await member.expect_silence(0.2)
            await solo.expect_silence(0.01)
    finally:
        await _close(pairs)
    return cohort


def _packages(variables: dict[str, Any]) -> list[int]:
    return list(variables.get("ids") or [int(slug.split("-")[1]) for slug in variables["s"]])


async def test_members_read_compiled_answer_like_strawberry_streams_of_their_own(
    catalogue, live_settings, tokens
):
    async with live_server(catalogue, _differential(live_settings)) as live:
        watched = [{"ids": [1]}, {"ids": [1, 2]}, {"ids": [2, 3]}]
        cohort = await _run(live, tokens, NESTED, watched, NESTED_SEES)
        assert cohort.reads.declined is None
        # 3 baselines, then packages 1, 2, 1 and 3 (the equal and unselected ones too)
        assert cohort.reads.objects >= 7


async def test_fragments_aliases_and_directives_read_compiled(catalogue, live_settings, tokens):
    async with live_server(catalogue, _differential(live_settings)) as live:
        watched = [
            {"s": ["package-1"], "n": 1, "more": True},
            {"s": ["package-2", "package-1"], "n": 1, "more": True},
            {"s": ["package-3"], "n": 1, "more": True},
        ]
        cohort = await _run(live, tokens, FRAGMENTS, watched, FRAGMENTS_SEES)
        assert cohort.reads.declined is None and cohort.reads.objects >= 7


async def test_a_selection_that_does_not_compile_keeps_strawberry(
    catalogue, live_settings, tokens, monkeypatch
):
    def refuse(*args: Any) -> Any:
        raise Unsupported("a selection the compiler does not take")

    monkeypatch.setattr(cohort_reads, "compile_keyed", refuse)
    async with live_server(catalogue, _differential(live_settings)) as live:
        cohort = await _run(live, tokens, NESTED, [{"ids": [1]}, {"ids": [1, 3]}], NESTED_SEES)
        assert cohort.reads.declined == "a selection the compiler does not take"
        assert cohort.reads.objects == 0


async def test_compiled_execution_off_keeps_strawberry(catalogue, live_settings, tokens):
    settings = _differential(live_settings).model_copy(update={"compiled_execution": False})
    async with live_server(catalogue, settings) as live:
        cohort = await _run(live, tokens, NESTED, [{"ids": [2]}, {"ids": [1, 2]}], NESTED_SEES)
        assert cohort.reads.declined == "compiled execution off" and cohort.reads.objects == 0


async def test_a_batch_the_compiled_read_refuses_gets_strawberrys_errors(
    catalogue, live_settings, tokens
):
    async with live_server(catalogue, _differential(live_settings)) as live:
        pairs = await _pairs(live, [{"ids": [1]}, {"ids": [1, 2]}], REFUSED, "members")
        try:
            await _edit(live, tokens, 1, 1, title="One")
            # each baseline has errors (sent), then package 1's change (errors again)
            seen = await _same(pairs, [2, 3])
            assert all("errors" in message["payload"] for message in seen[1])
            [cohort] = _cohorts(live)
            assert cohort.reads.declined is None and cohort.reads.objects == 0
        finally:
            await _close(pairs)


async def test_the_differential_check_catches_a_wrong_compiled_result(
    catalogue, live_settings, tokens, monkeypatch
):
    """Handed a wrong result, the check fails: the member's baseline is an error (sent,
    as errors always are), not data."""
    real = keyed.read_keyed

    async def wrong(*args: Any) -> Any:
        found = await real(*args)
        return {
            key: {"packageChanged": {**data["packageChanged"], "title": "wrong"}}
            for key, data in found.items()
        }

    monkeypatch.setattr(cohort_reads, "read_keyed", wrong)
    async with (
        live_server(catalogue, _differential(live_settings)) as live,
        await GraphQLSocket.open(live.ws_url) as member,
    ):
        await member.subscribe(NESTED, {"ids": [1]})
        caught = await member.receive()
        assert caught["payload"]["data"] is None
        assert caught["payload"]["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
