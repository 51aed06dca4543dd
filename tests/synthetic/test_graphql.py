"""The GraphQL API serves the synthetic catalogue like any other."""

from __future__ import annotations

from synthetic import PREFIX

QUERY = """
{ packages(first: 5) { title category { title } grids { id } participants(first: 3) { login } } }
"""


async def test_the_readme_query_works_on_generated_data(generated, execute):
    result = await execute(QUERY)
    assert result.errors is None
    packages = result.data["packages"]
    assert len(packages) == 5
    for package in packages:
        assert package["title"].startswith(PREFIX)
        assert package["category"]["title"].startswith(PREFIX)
        assert len(package["participants"]) <= 3
        assert all(person["login"].startswith(PREFIX) for person in package["participants"])
    assert any(package["grids"] for package in packages)
    assert any(len(package["participants"]) == 3 for package in packages)


async def test_grids_show_their_cells(generated, execute):
    result = await execute("{ grids(first: 2) { title features { title } packages { slug } } }")
    assert result.errors is None
    for grid in result.data["grids"]:
        assert grid["title"].startswith(PREFIX)
        assert 4 <= len(grid["features"]) <= 12
        assert len(grid["packages"]) >= 5
