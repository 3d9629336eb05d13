"""A register of programmes across review rounds: every audit recorded as a round in a database.

One module per concern:
    db        open a register (SQLite file or database URL), lock it for a writer, migrate its schema
    schema    the tables, as SQLAlchemy Core objects (the queries are built from them, never from strings)
    migrations  Alembic revisions: a register written by an older policy-check is upgraded, not broken
    record    read an audit's JSON report (and the drafts it names) and record it as one round
    queries   the migration team's questions, as rows
    output    rows as text, CSV or JSON
    page      the self-contained HTML page with its charts (inline SVG)
    cli       the `policy-check register` commands
"""
