"""The dispatch directory, versioned (each import a new version, the latest in use), and the place and unit of
each prediction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("imported_by", sa.String(128), nullable=False),
        sa.Column("units", sa.Integer, nullable=False),
        sa.Column("compounds", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "directory_units",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("directory_versions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("parent", sa.String(64), nullable=False),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("routes", sa.JSON, nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
    )
    op.create_table(
        "directory_compounds",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("directory_versions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("manager", sa.String(64), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("subdistrict", sa.String(64), nullable=False),
        sa.Column("addresses", sa.Text, nullable=False),
    )
    op.add_column("predictions", sa.Column("place", sa.JSON, nullable=True))
    op.add_column("predictions", sa.Column("unit", sa.JSON, nullable=True))
    op.add_column("predictions", sa.Column("unit_reason", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("unit_reason")
        batch.drop_column("unit")
        batch.drop_column("place")
    op.drop_table("directory_compounds")
    op.drop_table("directory_units")
    op.drop_table("directory_versions")
