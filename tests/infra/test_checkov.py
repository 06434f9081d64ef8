"""checkov over everything in infra/: Terraform, Dockerfiles, the rendered Kubernetes
overlays with one Job per Prefect Kubernetes deployment, and a secrets scan.

Policy: checkov without a Prisma Cloud key reports no severities, so the bar is
*no failed check at all*. A check may be skipped only inline, next to its reason
(`#checkov:skip=CKV_X:reason` in Terraform, a `checkov.io/skipN: CKV_X=reason`
annotation on a Kubernetes object); each skip's reason is checked here too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
import yaml

from tests.infra.conftest import INFRA, find_tool, k8s_deployments, render_flow_run_job

FRAMEWORKS = ("terraform", "dockerfile", "kubernetes", "secrets")


@pytest.fixture(scope="module")
def checkov(tmp_path_factory, overlays) -> dict[str, dict]:
    """One checkov run; its results by framework (check_type)."""
    binary = find_tool("checkov")
    scan = tmp_path_factory.mktemp("checkov")
    for part in ("terraform", "docker", "compose", "prefect"):
        shutil.copytree(INFRA / part, scan / part, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    (scan / "k8s").mkdir()
    for name, objects in overlays.items():
        docs = list(objects)
        if name == "prod":  # one Job per Prefect deployment, as the worker creates them
            for dep_name, dep in sorted(k8s_deployments().items()):
                job = render_flow_run_job({**dep["work_pool"]["job_variables"],
                                           "image": "registry.example/aivo/runner:0.1.0"}, run_name=dep_name)
                job["metadata"]["name"] = job["metadata"].pop("generateName") + "x7k2p"
                docs.append(job)
        (scan / "k8s" / f"{name}.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
           "LOG_LEVEL": "ERROR"}
    done = subprocess.run([binary, "-d", ".", "--framework", *FRAMEWORKS, "--skip-download", "--compact",
                           "-o", "json"], cwd=scan, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr[-3000:]  # 1: some check failed (reported below)
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    return {r["check_type"]: r for r in reports if "check_type" in r}


def test_terraform_dockerfiles_and_kubernetes_were_all_scanned(checkov):
    assert {"terraform", "dockerfile", "kubernetes"} <= set(checkov)
    files = {c["file_path"] for r in checkov.values() for c in r["results"]["passed_checks"]}
    for expected in ("/terraform/s3.tf", "/terraform/eks.tf", "/docker/endpoint.Dockerfile",
                     "/docker/runner.Dockerfile", "/k8s/prod.yaml", "/k8s/dev.yaml"):
        assert expected in files, expected
    jobs = {c["resource"] for c in checkov["kubernetes"]["results"]["passed_checks"]
            if c["resource"].startswith("Job.")}
    assert len(jobs) == len(k8s_deployments())


def test_no_check_fails(checkov):
    failed = [f"{t}: {c['check_id']} {c['check_name']} -- {c['resource']} ({c['file_path']})"
              for t, r in checkov.items() for c in r["results"]["failed_checks"]]
    assert not failed, "\n".join(failed)


def test_every_skip_says_why(checkov):
    skips = [(c["check_id"], c["resource"], c["check_result"].get("suppress_comment") or "")
             for r in checkov.values() for c in r["results"]["skipped_checks"]]
    assert skips  # the skips in infra/ are seen, so their reasons are checked
    for check_id, resource, reason in skips:
        assert len(reason.split()) >= 5, f"{check_id} on {resource} is skipped without a reason: {reason!r}"


@pytest.mark.parametrize("check_id, resource", [
    ("CKV_AWS_21", "aws_s3_bucket.data"),          # versioning
    ("CKV_AWS_145", "aws_s3_bucket.data"),         # SSE-KMS by default
    ("CKV2_AWS_6", "aws_s3_bucket.data"),          # public access block
    ("CKV2_AWS_61", "aws_s3_bucket.data"),         # lifecycle rules
    ("CKV_AWS_18", "aws_s3_bucket.data"),          # access logging
    ("CKV_AWS_7", "aws_kms_key.data"),             # key rotation
    ("CKV_AWS_58", "aws_eks_cluster.main"),        # EKS secrets encrypted
    ("CKV_AWS_37", "aws_eks_cluster.main"),        # all control-plane logs
    ("CKV_AWS_38", "aws_eks_cluster.main"),        # API not open to 0.0.0.0/0
    ("CKV_AWS_16", "aws_db_instance.postgres"),    # RDS encrypted
    ("CKV_AWS_17", "aws_db_instance.postgres"),    # RDS not public
    ("CKV_AWS_157", "aws_db_instance.postgres"),   # Multi-AZ
    ("CKV2_AWS_69", "aws_db_instance.postgres"),   # TLS to Postgres
    ("CKV_AWS_29", "aws_elasticache_replication_group.redis"),  # Redis encrypted at rest
    ("CKV_AWS_30", "aws_elasticache_replication_group.redis"),  # and in transit
    ("CKV_AWS_31", "aws_elasticache_replication_group.redis"),  # AUTH token
])
def test_the_controls_the_issue_names_are_checked_and_pass(checkov, check_id, resource):
    passed = {(c["check_id"], c["resource"]) for c in checkov["terraform"]["results"]["passed_checks"]}
    assert (check_id, resource) in passed
