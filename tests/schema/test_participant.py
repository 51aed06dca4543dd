"""The Participant type: look-up, package count and packages."""

from __future__ import annotations

from tests.factories import build_catalogue


async def test_participant_shared_by_two_seed_packages(demo, execute):
    # nemesifier contributes to both django-organizations and django-hstore.
    result = await execute(
        '{ participant(login: "nemesifier") { login packageCount packages { nodes { slug } } } }'
    )
    assert result.data["participant"] == {
        "login": "nemesifier",
        "packageCount": 2,
        "packages": {"nodes": [{"slug": "django-hstore"}, {"slug": "django-organizations"}]},
    }


async def test_unknown_participant_is_null(demo, execute):
    result = await execute('{ participant(login: "nobody-at-all") { login } }')
    assert result.errors is None and result.data == {"participant": None}


async def test_participants_are_paged_by_login(db, execute):
    await build_catalogue(db, packages=5)
    result = await execute(
        '{ participants(first: 3, filter: {loginPrefix: "user"}) { nodes { login } } }'
    )
    assert [p["login"] for p in result.data["participants"]["nodes"]] == [
        "user1",
        "user2",
        "user3",
    ]
    shared = await execute(
        '{ participant(login: "shared-user") { packageCount'
        " packages(first: 2) { nodes { databaseId } } } }"
    )
    assert shared.data["participant"] == {
        "packageCount": 5,
        "packages": {"nodes": [{"databaseId": 1}, {"databaseId": 2}]},
    }
