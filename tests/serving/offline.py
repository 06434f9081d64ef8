"""An endpoint with no registry or S3 behind it: every student gets the base model (the routes' own logic
under test). Shared by the serving tests' module fixtures:

    @pytest.fixture(scope="module")
    def app(tmp_path_factory, model_cache):
        with offline_service(tmp_path_factory, model_cache, "answer-checks") as (client, service):
            yield client, service
"""

from __future__ import annotations

import os
from contextlib import contextmanager

from fastapi.testclient import TestClient

from serving.app import Service, build_server
from tests.conftest import make_settings


@contextmanager
def offline_service(tmp_path_factory, model_cache, name: str, **overrides):
    """(TestClient, Service) of a loaded endpoint without lifespan (no LitServe worker); stopped after."""
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"  # no registry here: fail at once, serve the base
    settings = make_settings(tmp_path_factory.mktemp(name), model_cache=model_cache,
                             mlflow_tracking_uri="http://127.0.0.1:9", s3_endpoint_url="http://127.0.0.1:9",
                             **overrides)
    service = Service(settings)
    service.load()
    assert service.ready, service.error
    service.engine.resolver = None  # every student gets the base model
    try:
        yield TestClient(build_server(settings, service).app), service
    finally:
        service.engine.stop()
        conversations = getattr(service, "conversations", None)
        if conversations is not None:
            conversations.stop()
