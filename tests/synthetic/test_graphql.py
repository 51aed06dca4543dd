"""The GraphQL API serves the synthetic catalogue like any other."""

from __future__ import annotations

from synthetic import PREFIX

QUERY = """
{ packages(first: 5) { nodes {
    title category { title } grids { databaseId } participants(first: 3) { nodes { login } }
} } }
"""


async def test_the_readme_query_works_on_generated_data(generated, execute):
    result = await execute(QUERY)
    assert result.errors is None
    packages = result.data["packages"]["nodes"]
    assert len(packages) == 5
    for package in packages:
        people = package["participants"]["nodes"]
        assert package["title"].startswith(PREFIX)
        assert package["category"]["title"].startswith(PREFIX)
        assert len(people) <= 3
        assert all(person["login"].startswith(PREFIX) for person in people)
    assert any(package["grids"] for package in packages)
    assert any(len(package["participants"]["nodes"]) == 3 for package in packages)


async def test_grids_show_their_cells(generated, execute):
    result = await execute(
        "{ grids(first: 2) { nodes { title features { title }"
        " packages { totalCount } comparison { rows { cells { rating { sign } } } } } } }"
    )
    assert result.errors is None
    for grid in result.data["grids"]["nodes"]:
        assert grid["title"].startswith(PREFIX)
        assert 4 <= len(grid["features"]) <= 12
        assert grid["packages"]["totalCount"] >= 5
        ratings = [cell["rating"] for row in grid["comparison"]["rows"] for cell in row["cells"]]
        assert any(ratings), "synthetic cells use the Django Packages rating conventions"
