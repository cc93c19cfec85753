"""Data shapes (pydantic, the export contract) and persistence (SQLAlchemy)."""
