"""Alembic migrations of the service database (run by `models.db.upgrade_database`)."""
