"""Flows run against real Prefect, MLflow and S3 servers (started once per session), tiny model."""

import os

import pytest

from aivo import stack
from brain import settings as settings_module


@pytest.fixture(scope="session")
def prefect_stack(mlflow_server):
    """A real Prefect server, and AIVO_* / PREFECT_API_URL pointing every flow at the test servers."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings

    settings = mlflow_server
    stack.up(settings, only=["prefect"], echo=lambda _m: None)
    saved = dict(os.environ)
    os.environ.update(settings.to_env())
    os.environ.update({"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "10"})
    settings_module.get_settings.cache_clear()
    try:
        with temporary_settings(updates={PREFECT_API_URL: settings.prefect_api_url,
                                         PREFECT_SERVER_ANALYTICS_ENABLED: False}):
            yield settings
    finally:
        os.environ.clear()
        os.environ.update(saved)
        settings_module.get_settings.cache_clear()
        stack.stop_service(settings, "prefect")
