"""Every attack of `tests.attacks` against a real server process with the production
defaults: each is answered with its clear error within a second, and while it runs
another client's `{ __typename }` is answered within 100 ms (nothing blocks the loop)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.attacks import (
    ATTACKS,
    Attack,
    answer_code,
    attacker_address,
    client_from,
    during,
    encoded,
)
from tests.server_process import RunningServer, running_server

ANSWER_WITHIN_SECONDS = 1.0
BYSTANDER_WITHIN_SECONDS = 0.1


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    workdir = tmp_path_factory.mktemp("attacks")
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'attacks.db'}"}
    with running_server(workdir, env) as server:
        yield server


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_an_attack_is_refused_while_others_are_served(
    target: RunningServer, attack: Attack
) -> None:
    request = encoded(attack.request)  # encoded before the clock starts
    with client_from(attacker_address(), target.url, timeout=30.0) as client:
        response, took, bystander = during(
            target.url, lambda: client.request(attack.method, attack.path, **request)
        )
    assert (response.status_code, answer_code(response)) == (attack.status, attack.code)
    assert not any((response.json().get("data") or {}).values())  # nothing was answered
    assert took < ANSWER_WITHIN_SECONDS, f"answered in {took:.2f} s"
    assert not bystander.failures
    assert bystander.slowest < BYSTANDER_WITHIN_SECONDS, (
        f"{{ __typename }} took {bystander.slowest * 1000:.0f} ms meanwhile"
    )
