"""Regions (from the --places file) on submissions, and the indexes the queries need on large registers.

Submissions recorded before this revision get an empty region ("" is shown as "(unknown)").

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("region", sa.Text, nullable=False, server_default=""))
    op.create_index("ix_submissions_programme", "submissions", ["programme_id"])
    op.create_index("ix_findings_submission", "findings", ["submission_id"])
    op.create_index("ix_findings_rule", "findings", ["rule"])
    op.create_index("ix_finding_articles_article", "finding_articles", ["article"])


def downgrade() -> None:
    for name, table in (("ix_finding_articles_article", "finding_articles"), ("ix_findings_rule", "findings"),
                        ("ix_findings_submission", "findings"), ("ix_submissions_programme", "submissions")):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("region")
