"""The catalogue, tokens and audit log: the schema of the first release with migrations
(what `create_all` made before them; `core.migrations` stamps such a database 0001).

Revision ID: 0001
Revises:
Create Date: 2026-12-04 18:06:03.747812
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.timestamps

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created", models.timestamps.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_key_id"), ["key_id"], unique=True)

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", models.timestamps.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("object_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entry_object", ["object_type", "object_id", "id"], unique=False
        )

    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("title_plural", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("show_pypi", sa.Boolean(), nullable=True),
        sa.Column("created", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_offset", sa.Integer(), nullable=True),
        sa.Column("modified", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("modified_offset", sa.Integer(), nullable=True),
        sa.Column("is_fetched", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "grid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("is_locked", sa.Boolean(), nullable=True),
        sa.Column("header", sa.Boolean(), nullable=True),
        sa.Column("created", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_offset", sa.Integer(), nullable=True),
        sa.Column("modified", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("modified_offset", sa.Integer(), nullable=True),
        sa.Column("is_fetched", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.create_index(
            "ix_grid_title_lower", [sa.func.lower(sa.text("title")), "id"], unique=False
        )
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    op.create_table(
        "feature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feature_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("repo_url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("repo_description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("repo_watchers", sa.Integer(), nullable=False),
        sa.Column("repo_forks", sa.Integer(), nullable=False),
        sa.Column("pypi_url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("pypi_version", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("documentation_url", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("last_updated", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_updated_offset", sa.Integer(), nullable=True),
        sa.Column("last_fetched", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_fetched_offset", sa.Integer(), nullable=True),
        sa.Column("created", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_offset", sa.Integer(), nullable=True),
        sa.Column("modified", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("modified_offset", sa.Integer(), nullable=True),
        sa.Column("commits_over_52", sa.JSON(), nullable=False),
        sa.Column("repo_host", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("pypi_downloads", sa.Integer(), nullable=True),
        sa.Column("supports_python3", sa.Boolean(), nullable=True),
        sa.Column("commit_count", sa.Integer(), nullable=True),
        sa.Column("favorite_count", sa.Integer(), nullable=True),
        sa.Column("date_deprecated", models.timestamps.UTCDateTime(timezone=True), nullable=True),
        sa.Column("date_deprecated_offset", sa.Integer(), nullable=True),
        sa.Column(
            "date_repo_archived", models.timestamps.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("date_repo_archived_offset", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_package_category_id"), ["category_id"], unique=False)
        batch_op.create_index("ix_package_created", ["created", "id"], unique=False)
        batch_op.create_index("ix_package_date_deprecated", ["date_deprecated"], unique=False)
        batch_op.create_index("ix_package_date_repo_archived", ["date_repo_archived"], unique=False)
        batch_op.create_index("ix_package_forks", ["repo_forks", "id"], unique=False)
        batch_op.create_index("ix_package_last_updated", ["last_updated", "id"], unique=False)
        batch_op.create_index("ix_package_modified", ["modified", "id"], unique=False)
        batch_op.create_index("ix_package_pypi_downloads", ["pypi_downloads", "id"], unique=False)
        batch_op.create_index("ix_package_score", ["score", "id"], unique=False)
        batch_op.create_index("ix_package_watchers", ["repo_watchers", "id"], unique=False)
        batch_op.create_index(
            "ix_package_title_lower", [sa.func.lower(sa.text("title")), "id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":  # full-text search (loaders.filters)
        op.create_index(
            "ix_package_search",
            "package",
            [
                sa.text(
                    "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || "
                    "coalesce(slug, '') || ' ' || coalesce(repo_description, ''))"
                )
            ],
            postgresql_using="gin",
        )

    op.create_table(
        "grid_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["package_id"], ["package.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("grid_id", "package_id"),
    )
    with op.batch_alter_table("grid_package", schema=None) as batch_op:
        batch_op.create_index("ix_grid_package_grid", ["grid_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_grid_package_package_id"), ["package_id"], unique=False
        )

    op.create_table(
        "package_participant",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["package.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("package_id", "participant_id"),
    )
    with op.batch_alter_table("package_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_participant_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "element",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_package_id", sa.Integer(), nullable=False),
        sa.Column("feature_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["feature_id"], ["feature.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["grid_package_id"], ["grid_package.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("grid_package_id", "feature_id"),
    )
    with op.batch_alter_table("element", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_element_feature_id"), ["feature_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("element", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_element_feature_id"))

    op.drop_table("element")
    with op.batch_alter_table("package_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_participant_participant_id"))

    op.drop_table("package_participant")
    with op.batch_alter_table("grid_package", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grid_package_package_id"))
        batch_op.drop_index("ix_grid_package_grid")

    op.drop_table("grid_package")
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.drop_index("ix_package_title_lower")
        batch_op.drop_index("ix_package_watchers")
        batch_op.drop_index("ix_package_score")
        batch_op.drop_index("ix_package_pypi_downloads")
        batch_op.drop_index("ix_package_modified")
        batch_op.drop_index("ix_package_last_updated")
        batch_op.drop_index("ix_package_forks")
        batch_op.drop_index("ix_package_date_repo_archived")
        batch_op.drop_index("ix_package_date_deprecated")
        batch_op.drop_index("ix_package_created")
        batch_op.drop_index(batch_op.f("ix_package_category_id"))

    op.drop_table("package")
    with op.batch_alter_table("feature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feature_grid_id"))

    op.drop_table("feature")
    op.drop_table("participant")
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.drop_index("ix_grid_title_lower")

    op.drop_table("grid")
    op.drop_table("category")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_object")

    op.drop_table("audit_entry")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_key_id"))

    op.drop_table("api_token")
