"""GraphQL over HTTP: POST, GET (cacheable), GraphiQL, CORS and health."""

from __future__ import annotations

SHOP = '{ package(slug: "django-shop") { title repoWatchers } }'


async def test_post_query(demo, client):
    response = await client.post("/graphql", json={"query": SHOP})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"data": {"package": {"title": "django SHOP", "repoWatchers": 3310}}}


async def test_get_query_for_http_caches(demo, client):
    response = await client.get("/graphql", params={"query": SHOP})
    assert response.status_code == 200
    assert response.json()["data"]["package"]["title"] == "django SHOP"


async def test_get_with_variables(demo, client):
    response = await client.get(
        "/graphql",
        params={
            "query": "query ($id: Int) { package(id: $id) { slug } }",
            "variables": '{"id": 1326}',
        },
    )
    assert response.json() == {"data": {"package": {"slug": "django-cities"}}}


async def test_graphiql_is_served_to_browsers(client):
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_cors_preflight_allows_browser_apps(client):
    response = await client.options(
        "/graphql",
        headers={
            "origin": "https://frontend.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in ("*", "https://frontend.example")
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_health(client):
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_invalid_json_body_is_a_client_error(client):
    response = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_ready_when_the_database_answers(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "redis": "not used"}


async def test_not_ready_without_a_database(settings):
    """Issue 14: /healthz says the process runs; /readyz whether it can serve."""
    import httpx

    from server.app import create_app

    unreachable = settings.model_copy(
        update={"database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    )
    app = create_app(unreachable)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        response = await http.get("/readyz")
        assert (await http.get("/healthz")).status_code == 200
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down", "redis": "not used"}
    await app.state.db.dispose()
