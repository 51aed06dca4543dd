"""Every input checked at the transport, linearly and once (issue 22)."""

from __future__ import annotations

import httpx
import pytest

FILTERED = "query($f: PackageFilter) { packages(filter: $f) { totalCount } }"


@pytest.mark.parametrize("extensions", [None, {}], ids=["compiled lane", "view"])
@pytest.mark.parametrize(("keys", "named"), [(20_000, "20,000 keys"), (50, "no field 'k0'")])
async def test_unknown_filter_keys_are_refused_at_once(
    client: httpx.AsyncClient, extensions: dict[str, object] | None, keys: int, named: str
) -> None:
    body: dict[str, object] = {
        "query": FILTERED,
        "variables": {"f": {f"k{i}": 1 for i in range(keys)}},
    }
    if extensions is not None:
        body["extensions"] = extensions
    response = await client.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert named in error["message"] and "k1" not in error["message"]
    assert error["extensions"]["variable"] == "f"
