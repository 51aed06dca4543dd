"""Which answer an `Accept` header asks for (`server.graphql_http.negotiation`), for a query or
mutation and for a subscription: the clients' real headers, then the RFC 9110 rules one by one."""

from __future__ import annotations

import pytest

from server.graphql_http.negotiation import (
    MAX_ACCEPT_CHARS,
    MAX_MEDIA_RANGES,
    Answers,
    MediaRange,
    answers,
    media_ranges,
)

URQL = (
    "application/graphql-response+json, application/graphql+json, application/json, "
    "text/event-stream, multipart/mixed"
)
URQL_SUBSCRIPTION = "text/event-stream, multipart/mixed"
APOLLO = "application/graphql-response+json,application/json;q=0.9"
APOLLO_SUBSCRIPTION = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json'
GRAPHQL_SSE = "text/event-stream"


def test_most_requests_name_no_stream():
    for accept in (None, "", "application/json", "*/*", APOLLO, "text/html,*/*;q=0.8"):
        assert answers(accept) == Answers(operation="json", subscription=None)
        assert not answers(accept).may_stream


@pytest.mark.parametrize(
    ("client", "accept", "operation", "subscription"),
    [
        ("urql, a query or mutation", URQL, "json", "sse"),
        ("urql, a subscription", URQL_SUBSCRIPTION, "sse", "sse"),
        ("Apollo, a subscription", APOLLO_SUBSCRIPTION, "json", "multipart"),
        ("graphql-sse", GRAPHQL_SSE, "sse", "sse"),
        ("EventSource", "text/event-stream", "sse", "sse"),
    ],
)
def test_the_clients_own_headers(client, accept, operation, subscription):
    assert answers(accept) == Answers(operation=operation, subscription=subscription), client


@pytest.mark.parametrize(
    ("accept", "operation", "subscription"),
    [
        # A stream listed after JSON at the same weight: JSON for a query (urql's case).
        ("application/json, text/event-stream", "json", "sse"),
        # Listed first at the same weight: the client prefers it.
        ("text/event-stream, application/json", "sse", "sse"),
        # Weights outrank order.
        ("text/event-stream;q=0.5, application/json", "json", "sse"),
        ("application/json;q=0.5, text/event-stream", "sse", "sse"),
        ("application/json;q=0.9, text/event-stream;q=0.9", "json", "sse"),
        # The stream must beat every JSON type listed, not only one.
        (
            "application/json;q=0.5, text/event-stream;q=0.8, application/graphql+json",
            "json",
            "sse",
        ),
        # Between the two streams for a subscription: weight, then order.
        ("multipart/mixed;subscriptionSpec=1.0, text/event-stream", "sse", "multipart"),
        ("multipart/mixed;subscriptionSpec=1.0;q=0.4, text/event-stream;q=0.5", "sse", "sse"),
    ],
)
def test_weights_then_order_decide(accept, operation, subscription):
    assert answers(accept) == Answers(operation=operation, subscription=subscription)


@pytest.mark.parametrize(
    ("accept", "operation", "subscription"),
    [
        ("text/event-stream;q=0", "json", None),
        ("text/event-stream;q=0.000, application/json", "json", None),
        # JSON refused: a query streams even though the stream was listed last.
        (
            "application/json;q=0, application/graphql-response+json;q=0, text/event-stream",
            "sse",
            "sse",
        ),
        ("multipart/mixed;subscriptionSpec=1.0;q=0, text/event-stream;q=0.1", "sse", "sse"),
    ],
)
def test_a_weight_of_zero_means_not_acceptable(accept, operation, subscription):
    assert answers(accept) == Answers(operation=operation, subscription=subscription)


@pytest.mark.parametrize(
    "accept",
    ["*/*", "text/*", "*/*, application/json", "text/*;q=1, application/json;q=0.1", "multipart/*"],
)
def test_wildcards_never_choose_a_stream(accept):
    assert answers(accept) == Answers(operation="json", subscription=None)


def test_a_wildcard_is_not_a_json_type_the_stream_must_beat():
    assert answers("*/*, text/event-stream") == Answers(operation="sse", subscription="sse")


@pytest.mark.parametrize(
    ("accept", "subscription"),
    [
        ("multipart/mixed", None),  # urql's: not the subscription protocol, no spec version
        ("multipart/mixed;deferSpec=20220824", None),  # Apollo's @defer, not subscriptions
        ("multipart/mixed;subscriptionSpec=2.0", None),
        ("multipart/mixed;subscriptionSpec=1.0", "multipart"),
        ('multipart/mixed; subscriptionSpec="1.0"', "multipart"),
        ("MULTIPART/Mixed;SubscriptionSpec=1.0", "multipart"),  # names are case-insensitive
        ("multipart/mixed;boundary=graphql;subscriptionSpec=1.0", "multipart"),
        ("multipart/mixed;boundary=other;subscriptionSpec=1.0", None),  # we write "graphql"
        ("text/event-stream;charset=utf-8", "sse"),
        ("Text/Event-Stream", "sse"),
    ],
)
def test_parameters(accept, subscription):
    assert answers(accept).subscription == subscription
    # Apollo's multipart subscription protocol is for subscriptions: a query is JSON.
    if subscription == "multipart":
        assert answers(accept).operation == "json"


@pytest.mark.parametrize(
    ("accept", "operation", "subscription"),
    [
        # The same type twice: the first one listed counts.
        ("text/event-stream;q=0, text/event-stream", "json", None),
        ("text/event-stream, text/event-stream;q=0", "sse", "sse"),
        ("application/json;q=0, application/json, text/event-stream", "sse", "sse"),
        ("application/json, application/json;q=0, text/event-stream", "json", "sse"),
    ],
)
def test_duplicates(accept, operation, subscription):
    assert answers(accept) == Answers(operation=operation, subscription=subscription)


def test_media_ranges_keep_order_weights_and_quoted_parameters():
    ranges = media_ranges('a/b;x="1,2;3";q=0.3;ext=1, C/D , nonsense, e/f;q=2, g/h;q=x, i/j;Q=1')
    assert ranges == [
        MediaRange("a/b", (("x", "1,2;3"),), 0.3, 0),
        MediaRange("c/d", (), 1.0, 1),
        MediaRange("i/j", (), 1.0, 5),  # a weight above 1 or not a number: left out
    ]


@pytest.mark.parametrize("quality", ["1", "1.", "1.000", "0", "0.5", "0.123"])
def test_weights_the_rfc_allows(quality):
    [media_range] = media_ranges(f"text/event-stream;q={quality}")
    assert media_range.quality == float(quality)


@pytest.mark.parametrize("quality", ["1.5", "0.1234", "-0", ".5", "", "1e0"])
def test_weights_the_rfc_does_not_allow_leave_the_range_out(quality):
    assert media_ranges(f"text/event-stream;q={quality}") == []
    assert answers(f"text/event-stream;q={quality}").subscription is None


@pytest.mark.parametrize("accept", [URQL, APOLLO, "a/b;, ;x, c/d;;q=0.5, text/event-stream;q=0"])
def test_headers_with_and_without_quotes_read_alike(accept):
    """Only a header with a quote takes the quote-aware split; both read the same."""
    quoted = media_ranges(f'{accept}, x/y;p="1"')
    assert quoted[:-1] == media_ranges(accept)
    assert quoted[-1].parameters == (("p", "1"),)


def test_each_distinct_header_is_parsed_once():
    """urql sends the same header with every query: parsed once, not per request."""
    first = answers(URQL)
    assert answers(URQL) is first


def test_only_the_first_ranges_of_a_long_header_are_read():
    """Clients list a handful: the rest of a header is not read (parsing 100 KB of ranges
    held the event loop for 20 to 30 ms)."""
    padding = [f"application/x-{i}" for i in range(MAX_MEDIA_RANGES - 1)]
    assert answers(", ".join([*padding, "text/event-stream"])).subscription == "sse"
    assert answers(", ".join([*padding, "x/y", "text/event-stream"])).subscription is None
    assert len(media_ranges(", ".join(["a/b"] * 10_000))) == MAX_MEDIA_RANGES


def test_only_the_whole_ranges_within_the_first_characters_are_read():
    long = "a/" + "b" * (MAX_ACCEPT_CHARS - 40)
    assert answers(f"{long}, text/event-stream").subscription == "sse"
    # The bound falls inside the last range, between its type and its weight of 0: that
    # range is not read at all, rather than read as acceptable.
    prefix = "a/" + "b" * (MAX_ACCEPT_CHARS - 22)
    header = f"{prefix}, text/event-stream;q=0"
    assert len(f"{prefix}, text/event-stream;") == MAX_ACCEPT_CHARS < len(header)
    assert answers(header).subscription is None
