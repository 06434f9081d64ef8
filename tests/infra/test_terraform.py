"""infra/terraform: formatted, valid against the AWS provider's schema, and shaped as the
plan says (GPU node groups, IRSA per service account, retention lifecycle rules).

`terraform validate` needs the hashicorp/aws provider on disk (no registry is
reached here): it runs where a local plugin mirror exists (/opt/tf-plugins, or
TF_PLUGIN_DIR) and is skipped elsewhere. Nothing is ever planned or applied.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.infra.conftest import INFRA, K8S_VERSION

TF = INFRA / "terraform"
PLUGIN_DIR = Path(os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins"))


def _tf_env(tmp_path: Path) -> dict:
    return {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1",
            "TF_DATA_DIR": str(tmp_path / ".terraform")}


def _terraform() -> str:
    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip("terraform is not installed")
    return binary


def _text() -> str:
    return "\n".join(p.read_text() for p in sorted(TF.glob("*.tf")))


def test_terraform_files_are_formatted(tmp_path):
    done = subprocess.run([_terraform(), "fmt", "-check", "-diff", "-recursive", str(TF)], capture_output=True,
                          text=True, env=_tf_env(tmp_path), timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(not (PLUGIN_DIR / "registry.terraform.io" / "hashicorp" / "aws").is_dir(),
                    reason="no local mirror of the hashicorp/aws provider (set TF_PLUGIN_DIR)")
def test_terraform_validates_against_the_aws_provider(tmp_path):
    work = tmp_path / "tf"
    shutil.copytree(TF, work, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    env = _tf_env(tmp_path)
    init = subprocess.run([_terraform(), "init", "-backend=false", "-input=false", "-no-color",
                           f"-plugin-dir={PLUGIN_DIR}"], cwd=work, capture_output=True, text=True, env=env, timeout=180)
    assert init.returncode == 0, init.stdout + init.stderr
    done = subprocess.run([_terraform(), "validate", "-no-color"], cwd=work, capture_output=True, text=True, env=env,
                          timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr


def test_gpu_node_groups_are_tainted_and_labelled_for_the_manifests():
    text = _text()
    for group, pool in (("serving", "serving"), ("clones", "clones")):
        block = re.search(rf'resource "aws_eks_node_group" "{group}" \{{(.*?)\n\}}', text, re.S).group(1)
        assert 'ami_type        = "AL2023_x86_64_NVIDIA"' in block
        assert f'labels          = {{ "workload.aivo.io/pool" = "{pool}" }}' in block
        assert 'key    = "nvidia.com/gpu"' in block and 'effect = "NO_SCHEDULE"' in block
    clones = re.search(r'resource "aws_eks_node_group" "clones" \{(.*?)\n\}', text, re.S).group(1)
    assert "min_size     = 0" in clones and 'capacity_type   = "SPOT"' in clones
    # the cluster runs the version the manifests are validated against
    assert re.search(r'variable "eks_version" \{[^}]*default     = "(\d+\.\d+)"', text).group(1) == \
        K8S_VERSION.rsplit(".", 1)[0]
    # NetworkPolicies need the VPC CNI's policy agent
    assert 'configuration_values        = jsonencode({ enableNetworkPolicy = "true" })' in text


def test_each_service_account_has_its_own_role_and_no_more():
    text = _text()
    assert '"system:serviceaccount:aivo:${each.value.service_account}"' in text
    for sa in ("aivo-endpoint", "aivo-mlflow", "aivo-clone-runner"):
        assert f'service_account = "{sa}"' in text
        manifest = (INFRA / "k8s" / "base" / "serviceaccounts.yaml").read_text()
        assert f"name: {sa}" in manifest
    # the roles name their actions (no s3:* / kms:*), and objects only under their own prefixes
    irsa = (TF / "iam.tf").read_text()
    assert not re.search(r'"\w+:\*"', irsa)
    assert 'resources = [for p in each.value.read : "${aws_s3_bucket.data.arn}/${p}*"]' in irsa


def test_lifecycle_rules_follow_the_retention_policy():
    import yaml

    text = (TF / "s3.tf").read_text()
    assert 'prefix = "baselines/"' in text and 'prefix = "datasets/"' in text
    assert "noncurrent_version_expiration" in text and "abort_incomplete_multipart_upload" in text
    policy = yaml.safe_load((INFRA.parent / "retention.yaml").read_text()) if (
        INFRA.parent / "retention.yaml").exists() else {"baselines": 365}
    variables = (TF / "variables.tf").read_text()
    default = int(re.search(r'variable "baseline_retention_days" \{[^}]*default     = (\d+)', variables).group(1))
    assert default == policy["baselines"]
