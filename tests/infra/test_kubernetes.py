"""infra/k8s and the Prefect Kubernetes work pool, checked offline.

Each overlay is rendered (tests/infra/kustomize.py; compared with `kubectl kustomize`
where kubectl exists) and every object is validated against the Kubernetes
OpenAPI schemas that kubernetes-validate ships (strict: unknown fields fail).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess

import jsonschema
import pytest
import yaml

from tests.infra.conftest import (INFRA, JOB_TEMPLATE, K8S_VERSION, OVERLAYS, REPO, k8s_deployments,
                                  render_flow_run_job)

# names of settings that carry a credential (a key, a password, or a URL with one in it)
SECRET_NAME = re.compile(r"(ACCESS_KEY|SECRET_KEY|API_KEYS|PASSWORD|TOKEN|SALT|STORE_URI|CONNECTION_URL|STORAGE_URI)$")


def _by_kind(objects, kind):
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def _pod_specs(objects):
    for o in objects:
        if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield o["metadata"]["name"], o["spec"]["template"]["spec"]


def _validate(obj: dict) -> None:
    import kubernetes_validate

    kubernetes_validate.validate(obj, K8S_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_of_each_overlay_is_valid_for_the_cluster_version(overlays, overlay):
    objects = overlays[overlay]
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget",
            "NetworkPolicy", "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Namespace"} <= kinds
    for obj in objects:
        _validate(obj)
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "aivo", obj["metadata"]["name"]


def test_an_invalid_manifest_is_refused():
    """The validator is live: a typo in a field name fails strict validation."""
    import kubernetes_validate

    bad = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
           "spec": {"ports": [{"port": 80, "targetPrt": 8001}]}}
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(bad)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (its built-in kustomize) is not installed")
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_python_render_matches_kubectl_kustomize(overlays, overlay):
    out = subprocess.run(["kubectl", "kustomize", str(INFRA / "k8s" / "overlays" / overlay)],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    theirs = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(out) if d}
    ours = {(d["kind"], d["metadata"]["name"]): d for d in overlays[overlay]}
    assert ours == theirs


def test_prod_endpoint_runs_on_a_gpu_with_health_probes(overlays):
    prod = overlays["prod"]
    endpoint = _by_kind(prod, "Deployment")["aivo-endpoint"]
    pod = endpoint["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert container["resources"]["requests"]["nvidia.com/gpu"] == "1"
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pod["tolerations"]
    assert pod["nodeSelector"] == {"workload.aivo.io/pool": "serving"}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/health", "port": "http"}
    assert container["ports"] == [{"name": "http", "containerPort": 8001}]
    assert container["image"].endswith("/aivo/endpoint:0.1.0-cuda")
    # the base model comes from S3 before the endpoint starts; no hub at run time
    (init,) = pod["initContainers"]
    assert init["command"][0] == "aivo-fetch-model"
    assert {"name": "models", "mountPath": "/models", "readOnly": True} in container["volumeMounts"]
    config = _by_kind(prod, "ConfigMap")["aivo-config"]["data"]
    assert config["AIVO_BASE_MODEL"] == "/models/brain" and config["HF_HUB_OFFLINE"] == "1"

    dev_pod = _by_kind(overlays["dev"], "Deployment")["aivo-endpoint"]["spec"]["template"]["spec"]
    assert "nvidia.com/gpu" not in str(dev_pod["containers"][0]["resources"])
    assert dev_pod["containers"][0]["image"] == "aivo/endpoint:0.1.0-cpu"


def test_ingress_keeps_each_student_on_one_replica(overlays):
    for overlay in OVERLAYS:
        ingress = _by_kind(overlays[overlay], "Ingress")["aivo-endpoint"]
        annotations = ingress["metadata"]["annotations"]
        assert annotations["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$http_x_student_id"
        assert ingress["spec"]["ingressClassName"] == "nginx"
        backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
        assert backend["name"] == "aivo-endpoint"
        assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]


def test_hpa_and_pdb_cover_the_endpoint(overlays):
    for overlay, (low, high) in {"dev": (1, 2), "prod": (3, 10)}.items():
        objects = overlays[overlay]
        hpa = _by_kind(objects, "HorizontalPodAutoscaler")["aivo-endpoint"]["spec"]
        assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "aivo-endpoint"}
        assert (hpa["minReplicas"], hpa["maxReplicas"]) == (low, high)
        pdb = _by_kind(objects, "PodDisruptionBudget")["aivo-endpoint"]["spec"]
        pod_labels = _by_kind(objects, "Deployment")["aivo-endpoint"]["spec"]["template"]["metadata"]["labels"]
        assert pdb["selector"]["matchLabels"].items() <= pod_labels.items()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_runs_restricted_with_limits(overlays, overlay):
    specs = dict(_pod_specs(overlays[overlay]))
    assert set(specs) == {"aivo-endpoint", "aivo-mlflow", "aivo-prefect-server", "aivo-prefect-worker"}
    for name, pod in specs.items():
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        for c in pod.get("initContainers", []) + pod["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False, (name, c["name"])
            assert sc["capabilities"] == {"drop": ["ALL"]}, (name, c["name"])
            assert {"cpu", "memory"} <= set(c["resources"]["requests"]) <= set(c["resources"]["limits"]), name
        # only the worker talks to the Kubernetes API
        assert pod["automountServiceAccountToken"] is (name == "aivo-prefect-worker"), name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_referenced_never_committed(overlays, overlay):
    objects = overlays[overlay]
    assert not [o for o in objects if o["kind"] == "Secret"]
    for name, pod in _pod_specs(objects):
        for c in pod.get("initContainers", []) + pod["containers"]:
            for env in c.get("env", []):
                if SECRET_NAME.search(env["name"]):
                    assert "value" not in env, f"{name}/{c['name']}: {env['name']} has a literal value"
    config = _by_kind(objects, "ConfigMap")["aivo-config"]["data"]
    assert not [k for k in config if re.search(r"KEY|SECRET|PASSWORD|TOKEN|SALT", k)]
    referenced = {ref["secretKeyRef"]["name"] for _, pod in _pod_specs(objects)
                  for c in pod["containers"] for ref in [e.get("valueFrom", {}) for e in c.get("env", [])]
                  if "secretKeyRef" in ref}
    assert referenced == {"aivo-s3", "aivo-api-keys", "aivo-redis", "aivo-audit", "aivo-postgres"}


def test_network_policies_deny_by_default_and_cover_every_workload(overlays):
    objects = overlays["prod"]
    policies = _by_kind(objects, "NetworkPolicy")
    deny = policies["default-deny-all"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    pods = {name: o["spec"]["template"]["metadata"]["labels"] for name, o in _by_kind(objects, "Deployment").items()}
    pods["clone-job"] = render_flow_run_job({})["spec"]["template"]["metadata"]["labels"]
    for name, labels in pods.items():
        own = [p for p in policies.values()
               if p["spec"]["podSelector"].get("matchLabels") and
               p["spec"]["podSelector"]["matchLabels"].items() <= labels.items()]
        assert own, f"no NetworkPolicy selects {name}"
    # the endpoint is reachable from the ingress controller only
    (rule,) = policies["aivo-endpoint"]["spec"]["ingress"]
    assert rule["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]


# The Prefect Kubernetes work pool ----------------------------------------------------

def _job_variables_schema() -> dict:
    return json.loads(JOB_TEMPLATE.read_text())["variables"]


def test_job_variables_of_every_k8s_deployment_fit_the_pool_template():
    schema = _job_variables_schema()
    for name, dep in k8s_deployments().items():
        variables = dep["work_pool"]["job_variables"]
        assert set(variables) <= set(schema["properties"]), name
        jsonschema.validate({**variables, "image": "registry.example/aivo/runner:0.1.0"}, schema)


@pytest.mark.parametrize("deployment", sorted(k8s_deployments()))
def test_each_flow_run_becomes_a_valid_restricted_job(deployment):
    variables = {**k8s_deployments()[deployment]["work_pool"]["job_variables"],
                 "image": "registry.example/aivo/runner:0.1.0"}
    job = render_flow_run_job(variables)
    pod = job["spec"]["template"]["spec"]
    # prefect-kubernetes refuses a template without these (its base manifest puts
    # parallelism/completions in the pod spec); the API server drops those two fields.
    assert pod["restartPolicy"] == "Never" and pod["containers"][0]["name"] == "prefect-job"
    assert pod["parallelism"] == 1 and pod["completions"] == 1
    created = copy.deepcopy(job)
    del created["spec"]["template"]["spec"]["parallelism"], created["spec"]["template"]["spec"]["completions"]
    created["metadata"]["name"] = created["metadata"].pop("generateName") + "x7k2p"  # what the API server does
    _validate(created)

    (container,) = pod["containers"]
    gpus = variables.get("gpu_count", 1)
    assert container["resources"]["limits"]["nvidia.com/gpu"] == gpus == container["resources"]["requests"][
        "nvidia.com/gpu"]
    assert pod["nodeSelector"]["workload.aivo.io/pool"] == ("clones" if gpus else "system")
    assert pod["serviceAccountName"] == "aivo-clone-runner" and pod["automountServiceAccountToken"] is False
    assert job["metadata"]["namespace"] == "aivo"
    assert job["spec"]["backoffLimit"] == 0 and job["spec"]["activeDeadlineSeconds"] >= 3600
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    for env in container["env"]:
        if SECRET_NAME.search(env["name"]):
            assert "secretKeyRef" in env["valueFrom"], env["name"]


def test_k8s_deployments_mirror_the_local_ones_and_limit_clones():
    local = {d["name"]: d for d in yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]}
    k8s = k8s_deployments()
    assert set(k8s) == set(local)
    for name, dep in k8s.items():
        assert dep["entrypoint"] == local[name]["entrypoint"], name
        assert dep["work_pool"]["name"] == "aivo-k8s", name
        assert isinstance(dep["concurrency_limit"], int) and dep["concurrency_limit"] >= 1, name
    # `make up` (prefect deploy --all on prefect.yaml) registers only the local process pool
    assert {d["work_pool"]["name"] for d in local.values()} == {"aivo-local"}
