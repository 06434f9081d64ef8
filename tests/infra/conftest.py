"""Offline checks of infra/: where the linters are, the rendered manifests, the clone Job.

The linters come from the project's own installs: hadolint and kubernetes-validate
from the `infra` extra (in .venv), checkov from its own virtualenv .venv/checkov
(its pins clash with prefect's and mlflow's), both made by `make install` / `make test`.
A missing tool skips its test on a developer machine and fails it on CI.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from tests.infra.kustomize import build

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
OVERLAYS = ("dev", "prod")
# The Kubernetes version the manifests are validated against: infra/terraform's eks_version.
K8S_VERSION = "1.33.0"
JOB_TEMPLATE = INFRA / "prefect" / "k8s-base-job-template.json"
K8S_PREFECT_FILE = INFRA / "prefect" / "prefect.kubernetes.yaml"


def find_tool(name: str) -> str:
    """A linter's executable: beside this Python, in .venv/<name>/bin, or on PATH; else skip (fail on CI)."""
    for candidate in (Path(sys.executable).parent / name, REPO / ".venv" / name / "bin" / name):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed: run `make install` (it installs the infra tools)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def overlays() -> dict[str, list[dict]]:
    """Every Kubernetes object of each overlay, as `kubectl apply -k infra/k8s/overlays/<name>` would send it."""
    return {name: build(INFRA / "k8s" / "overlays" / name) for name in OVERLAYS}


def k8s_deployments() -> dict[str, dict]:
    """The deployments of infra/prefect/prefect.kubernetes.yaml by name."""
    return {d["name"]: d for d in yaml.safe_load(K8S_PREFECT_FILE.read_text())["deployments"]}


def render_flow_run_job(job_variables: dict, run_name: str = "clever-otter") -> dict:
    """The Job the Kubernetes worker builds for one flow run, from the pool's base job template.

    The same steps as Prefect's BaseJobConfiguration.from_template_and_values: the
    variables' defaults, overridden by the deployment's job variables, rendered into
    the template's placeholders. (The worker then adds its env and labels; those
    do not change the manifest's shape.)
    """
    from prefect.utilities.templating import apply_values
    from prefect.workers.base import BaseJobConfiguration

    template = json.loads(JOB_TEMPLATE.read_text())
    values = {**BaseJobConfiguration._get_base_config_defaults(template["variables"]["properties"]),
              **job_variables, "name": run_name}
    return apply_values(template["job_configuration"], values)["job_manifest"]
