"""The image and compose file: the services the deployment promises, and compose's own check."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DOCKER = Path(__file__).parents[2] / "docker"


def test_compose_declares_api_two_workers_redis_postgres() -> None:
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"api", "worker", "redis", "postgres"}
    assert services["worker"]["deploy"]["replicas"] == 2
    for name in ("api", "worker"):
        env = services[name]["environment"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert services[name]["command"][0] == "jixiao"
    dockerfile = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
    assert "poppler-utils" in dockerfile and "fonts-noto-cjk" in dockerfile


def test_docker_compose_config_validates() -> None:
    if shutil.which("docker") is None:
        pytest.skip("no docker client installed")
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is not installed")
    result = subprocess.run(
        ["docker", "compose", "-f", str(DOCKER / "compose.yml"), "config", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
