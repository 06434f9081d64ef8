"""infra/compose/docker-compose.yml against the Compose Specification's JSON schema
(vendored: tests/infra/compose-spec.json), and what a single-host stack needs."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.infra.conftest import INFRA

COMPOSE = INFRA / "compose" / "docker-compose.yml"
SCHEMA = Path(__file__).with_name("compose-spec.json")
REQUIRED_VAR = re.compile(r"\$\{(\w+):\?[^}]*\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _validator():
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))


def test_the_file_follows_the_compose_specification(compose):
    errors = sorted(_validator().iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_the_schema_is_live(compose):
    bad = copy.deepcopy(compose)
    bad["services"]["endpoint"]["depends_on"]["mlflow"]["condition"] = "service_ready"
    bad["services"]["redis"]["healthcheck"]["intervall"] = "5s"
    paths = {tuple(e.absolute_path)[:3] for e in _validator().iter_errors(bad)}
    assert {("services", "endpoint", "depends_on"), ("services", "redis", "healthcheck")} <= paths


def test_every_service_the_stack_needs_is_there(compose):
    assert {"postgres", "minio", "minio-init", "mlflow", "prefect-server", "prefect-deploy", "prefect-worker",
            "redis", "endpoint", "endpoint-gpu"} == set(compose["services"])


def test_long_running_services_have_health_checks_and_start_in_order(compose):
    services = compose["services"]
    one_shot = {name for name, s in services.items() if s.get("restart") == "no"}
    assert one_shot == {"minio-init", "prefect-deploy"}
    for name, svc in services.items():
        if name not in one_shot:
            assert svc.get("healthcheck", {}).get("test"), f"{name} has no health check"
        for dep, cond in svc.get("depends_on", {}).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            expected = "service_completed_successfully" if dep in one_shot else "service_healthy"
            assert cond["condition"] == expected, (name, dep)
    assert set(services["endpoint"]["depends_on"]) >= {"mlflow", "redis", "minio-init"}
    assert services["prefect-worker"]["depends_on"]["prefect-deploy"]["condition"] == "service_completed_successfully"


def test_the_gpu_endpoint_reserves_a_gpu_under_its_profile(compose):
    gpu = compose["services"]["endpoint-gpu"]
    assert gpu["profiles"] == ["gpu"]
    (device,) = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert device == {"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}
    assert gpu["build"]["dockerfile"] == "infra/docker/endpoint.Dockerfile"
    cpu = compose["services"]["endpoint"]
    assert "profiles" not in cpu and cpu["build"]["dockerfile"] == "infra/docker/endpoint-cpu.Dockerfile"
    for svc in (gpu, cpu):
        assert svc["read_only"] is True and svc["user"] == "10001:10001"
        assert "/health" in " ".join(svc["healthcheck"]["test"])


def test_images_are_pinned_or_built_here(compose):
    for name, svc in compose["services"].items():
        if "build" in svc:
            assert (INFRA.parent / svc["build"]["dockerfile"]).exists(), name
        else:
            assert re.search(r":[\w.-]+@sha256:[0-9a-f]{64}$", svc["image"]), (name, svc["image"])


def test_no_secret_is_written_in_the_file(compose):
    """Every credential is a required variable (`${VAR:?...}`) that .env supplies; .env.example lists them all."""
    def walk(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{path}/{i}")
        elif isinstance(node, str):
            yield path, node

    for path, value in walk(compose):
        key = path.rsplit("/", 1)[-1]
        if re.search(r"PASSWORD|SECRET|_KEYS?$|TOKEN|SALT|ROOT_USER", key):
            assert REQUIRED_VAR.fullmatch(value), f"{path} = {value!r} is not a required variable"
        # credentials inside URLs come from variables too
        for userinfo in re.findall(r"://([^@/\s]*)@", value):
            assert "${" in userinfo, f"{path} holds a literal credential"
    required = set(REQUIRED_VAR.findall(COMPOSE.read_text()))
    example = {ln.split("=", 1)[0] for ln in (INFRA / "compose" / ".env.example").read_text().splitlines()
               if "=" in ln and not ln.startswith("#")}
    assert required <= example, f".env.example lacks {required - example}"


def test_published_ports_bind_loopback_only(compose):
    for name, svc in compose["services"].items():
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)
