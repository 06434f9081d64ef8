"""Shared fixtures: settings on free loopback ports, real S3 (rclone) and MLflow servers.

Servers are started with the same code `make up` uses (aivo.stack) and stopped
at the end of the session.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from brain.settings import Settings

# A prepared model cache (a machine without the embedded GGUF, e.g. a GPU box fed the tiny model): read
# before the AIVO_* variables are cleared.
_PREPARED_MODEL_CACHE = os.environ.get("AIVO_TEST_MODEL_CACHE")

# Never let a developer's .env or AIVO_* variables steer the tests.
for _key in [k for k in os.environ if k.startswith("AIVO_")]:
    del os.environ[_key]
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_settings(data_dir: Path, **overrides) -> Settings:
    """Settings for a test: its own data dir and free loopback ports for every server."""
    values = dict(
        base_model="tiny-random",
        data_dir=data_dir,
        s3_endpoint_url=f"http://127.0.0.1:{free_port()}",
        mlflow_tracking_uri=f"http://127.0.0.1:{free_port()}",
        prefect_api_url=f"http://127.0.0.1:{free_port()}/api",
        endpoint_port=free_port(),
        s3_bucket="aivo-test",
        # tests call the endpoint far more often than a student would; the limits have their own tests
        ratelimit_api_key="100000/minute", ratelimit_student="100000/minute", ratelimit_ip="100000/minute",
        # an injected outage fails a test's clone in seconds, not the production 5 minutes (tests/registry/test_faults.py)
        registry_retry_budget_s=3.0,
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """One model cache for the whole session (the tiny model and, when used, the embedded one)."""
    if _PREPARED_MODEL_CACHE:
        return Path(_PREPARED_MODEL_CACHE).resolve()
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def tiny(model_cache):
    """The tiny random Llama (SmolLM2 tokenizer), loaded once per session."""
    from brain.models import load_base_model

    return load_base_model(make_settings(model_cache.parent / "tiny-data", model_cache=model_cache))


@pytest.fixture(scope="session")
def servers_settings(tmp_path_factory, model_cache) -> Settings:
    return make_settings(tmp_path_factory.mktemp("servers"), model_cache=model_cache)


@pytest.fixture(scope="session")
def s3_server(servers_settings) -> Iterator[Settings]:
    """A real S3-compatible server (rclone serve s3) with the test bucket created."""
    yield from _run_services(servers_settings, ["s3"])


@pytest.fixture(scope="session")
def mlflow_server(s3_server) -> Iterator[Settings]:
    """A real MLflow server (sqlite backend) whose artifacts go to the S3 server."""
    yield from _run_services(s3_server, ["mlflow"])


def _run_services(settings: Settings, names: list[str]) -> Iterator[Settings]:
    from aivo import stack

    stack.up(settings, only=names, echo=lambda _msg: None)
    try:
        yield settings
    finally:
        for name in names:
            stack.stop_service(settings, name)


@pytest.fixture(scope="session")
def embedded_first_load(model_cache, tmp_path_factory):
    """The real SmolLM2-135M-Instruct, loaded once per session into the shared cache.

    Returns (loaded model, settings); the first test that asks builds the cache.
    """
    from brain.models import load_base_model

    settings = make_settings(tmp_path_factory.mktemp("embedded"), base_model="smollm2-135m-instruct",
                             model_cache=model_cache)
    return load_base_model(settings), settings
