"""infra/docker: hadolint, pinned bases, non-root users, health checks, build contexts."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.infra.conftest import INFRA, REPO, find_tool

DOCKERFILES = sorted((INFRA / "docker").glob("*.Dockerfile"))
ENDPOINTS = ("endpoint.Dockerfile", "endpoint-cpu.Dockerfile")


def _instructions(path):
    """(INSTRUCTION, arguments) per logical line, continuations joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            yield word.upper(), rest.strip()


def test_the_images_are_all_there():
    assert [p.name for p in DOCKERFILES] == ["endpoint-cpu.Dockerfile", "endpoint.Dockerfile",
                                            "platform.Dockerfile", "runner.Dockerfile"]


def test_hadolint_finds_nothing():
    hadolint = find_tool("hadolint")
    done = subprocess.run([hadolint, "--no-color", "-f", "json", *map(str, DOCKERFILES)],
                          capture_output=True, text=True, timeout=60)
    findings = json.loads(done.stdout or "[]")
    assert findings == [], "\n".join(f"{f['file']}:{f['line']} {f['code']} {f['message']}" for f in findings)
    assert done.returncode == 0, done.stderr


def test_hadolint_is_live(tmp_path):
    bad = tmp_path / "bad.Dockerfile"
    bad.write_text("FROM ubuntu\nRUN apt-get install curl\n")
    done = subprocess.run([find_tool("hadolint"), "-f", "json", str(bad)], capture_output=True, text=True, timeout=60)
    assert {f["code"] for f in json.loads(done.stdout)} >= {"DL3006", "DL3008"}


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_base_images_are_pinned_by_tag_and_digest(dockerfile):
    bases = [args.split()[0] for word, args in _instructions(dockerfile) if word == "FROM"]
    assert bases
    for image in bases:
        assert re.fullmatch(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}", image), image


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_the_final_stage_runs_as_a_non_root_user(dockerfile):
    final = []
    for word, args in _instructions(dockerfile):
        final = [] if word == "FROM" else final + [(word, args)]
    users = [args for word, args in final if word == "USER"]
    assert users and users[-1] == "10001:10001", users
    # the user switch comes before the command it protects
    words = [w for w, _ in final]
    assert words.index("USER") < words.index("CMD")


@pytest.mark.parametrize("name", ENDPOINTS)
def test_endpoint_images_check_health_on_8001(name):
    instructions = list(_instructions(INFRA / "docker" / name))
    (health,) = [args for word, args in instructions if word == "HEALTHCHECK"]
    assert "/health" in health and "'AIVO_ENDPOINT_PORT', '8001'" in health
    assert ("EXPOSE", "8001") in instructions
    assert any(word == "ENV" and "AIVO_ENDPOINT_PORT=8001" in args for word, args in instructions)
    cmd = [args for word, args in instructions if word == "CMD"][-1]
    assert json.loads(cmd)[-2:] == ["-m", "serving.app"]


def test_the_cuda_endpoint_uses_a_cuda_base_and_the_cpu_one_does_not():
    cuda = [a for w, a in _instructions(INFRA / "docker" / "endpoint.Dockerfile") if w == "FROM"]
    cpu = [a for w, a in _instructions(INFRA / "docker" / "endpoint-cpu.Dockerfile") if w == "FROM"]
    assert all(a.startswith("nvidia/cuda:") and "-runtime-" in a for a in cuda)
    assert not any("cuda" in a for a in cpu)
    cpu_text = (INFRA / "docker" / "endpoint-cpu.Dockerfile").read_text()
    assert "download.pytorch.org/whl/cpu" in cpu_text  # not PyPI's multi-GB CUDA wheel


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_no_secret_is_baked_into_a_layer(dockerfile):
    for word, args in _instructions(dockerfile):
        if word in ("ENV", "ARG"):
            for name in re.findall(r"(\w+)=", args):
                assert not re.search(r"KEY|SECRET|PASSWORD|TOKEN|SALT", name), f"{word} {name} in {dockerfile.name}"
        if word in ("COPY", "ADD"):
            assert not re.search(r"\.env\b|credentials|\.pem|id_rsa", args), args


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_each_build_context_lets_in_only_what_the_image_copies(dockerfile):
    """BuildKit reads <name>.Dockerfile.dockerignore: everything is ignored except what is listed."""
    ignore = dockerfile.with_name(dockerfile.name + ".dockerignore")
    lines = [ln.strip() for ln in ignore.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines[0] == "*"
    allowed = {ln[1:].rstrip("/") for ln in lines if ln.startswith("!")}
    assert not {".env", ".venv", ".aivo", ".git"} & allowed
    assert {"**/.env", "**/__pycache__"} <= set(lines)
    sources = set()
    for word, args in _instructions(dockerfile):
        if word in ("COPY", "ADD") and "--from=" not in args:
            parts = [p for p in args.split() if not p.startswith("--")]
            sources |= set(parts[:-1])
    for src in sources:
        assert (REPO / src).exists(), f"{dockerfile.name} copies {src}, which is not in the repository"
        assert src in allowed, f"{dockerfile.name} copies {src}, which its .dockerignore keeps out"
    assert allowed <= sources, f"{ignore.name} lets in what {dockerfile.name} never copies: {allowed - sources}"
