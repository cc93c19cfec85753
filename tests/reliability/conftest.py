"""An app on a real database with tokens required, and tokens of every role."""

from pathlib import Path

import pytest

from jixiao.settings import Settings
from models.db import session_factory, upgrade_database
from models.tokens import Role, create_token


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", REDIS_URL=None, DATABASE_URL=None)


@pytest.fixture
def tokens(settings: Settings) -> dict[Role, str]:
    """One token per role, named after it."""
    upgrade_database(settings.resolved_database_url)
    with session_factory(settings.resolved_database_url)() as session:
        return {role: create_token(session, f"{role.value}-1", role) for role in Role}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
