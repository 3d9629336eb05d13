"""Alembic migrations of the register's schema (run by db.open_register, never by hand)."""
