"""The register's tables (the current schema; migrations/ holds how older registers get here).

A programme is what stays the same across rounds (its stable id, else its organisation and title);
a submission is one programme's draft as audited in one round; a finding is one rule firing on it.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

rounds = sa.Table(
    "rounds", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("position", sa.Integer, nullable=False, unique=True),  # recording order: 1, 2, 3 ...
    sa.Column("report_digest", sa.String(64), nullable=False, unique=True),  # the same audit is recorded once
    sa.Column("rules_digest", sa.Text, nullable=False),
    sa.Column("tool_version", sa.Text, nullable=False),
    sa.Column("policy_version", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.Text, nullable=False),  # ISO 8601 UTC; never printed by the queries
)

programmes = sa.Table(
    "programmes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.Text, nullable=False, unique=True),  # "id:<stable id>" or "org:<organisation>\ttitle"
    sa.Column("stable_id", sa.Text, nullable=False),
    sa.Column("organisation", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
)

submissions = sa.Table(
    "submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id"), nullable=False),
    sa.Column("programme_id", sa.Integer, sa.ForeignKey("programmes.id"), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("organisation", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("country", sa.Text, nullable=False),
    sa.Column("region", sa.Text, nullable=False, server_default=""),  # added by revision 0002
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),      # ok, partly_checked, not_checked, error
    sa.Column("error", sa.Text),
    sa.Column("verdict", sa.Text, nullable=False),     # fail, needs review, pass, not checked, error
    sa.Column("score", sa.Float),                      # report/scores.py: mean of the principles' scores
    sa.Column("principle_verdicts", sa.JSON, nullable=False),  # {"1": "pass", ...}
    sa.UniqueConstraint("round_id", "programme_id", name="uq_submission_round_programme"),
)
sa.Index("ix_submissions_programme", submissions.c.programme_id)   # 0002

findings = sa.Table(
    "findings", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("principle", sa.Integer, nullable=False),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("waived", sa.Boolean, nullable=False),   # a reviewer accepted it: never counted as failed
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("field", sa.Text),                       # where the finding points (its location) and the quote there
    sa.Column("line", sa.Integer),
    sa.Column("quote", sa.Text),
)
sa.Index("ix_findings_submission", findings.c.submission_id)       # 0002
sa.Index("ix_findings_rule", findings.c.rule)                      # 0002

finding_articles = sa.Table(
    "finding_articles", metadata,
    sa.Column("finding_id", sa.Integer, sa.ForeignKey("findings.id"), primary_key=True),
    sa.Column("article", sa.Text, primary_key=True),
)
sa.Index("ix_finding_articles_article", finding_articles.c.article)  # 0002
