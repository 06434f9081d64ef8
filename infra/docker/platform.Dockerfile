# syntax=docker/dockerfile:1.7
# AIVO control plane: one small image (no torch) for the MLflow server, the Prefect
# server and the Prefect Kubernetes worker. Build from the repository root:
#
#   docker build -f infra/docker/platform.Dockerfile -t aivo/platform:0.1.0 .
#
# Run as (compose and Kubernetes set these commands):
#   mlflow server --host 0.0.0.0 --port 5000 --backend-store-uri postgresql://... --artifacts-destination s3://...
#   prefect server start --host 0.0.0.0 --port 4200
#   prefect worker start --pool aivo-k8s --type kubernetes
#
# Base images are pinned by tag and digest on the FROM lines (where scanners and
# Renovate read them); `docker buildx imagetools inspect <tag>` gives a fresh digest.
# No credentials enter any layer: database URLs and keys come from the environment.

FROM python:3.11-slim-bookworm@sha256:d29f48a31a8b408ed19272ca1e7b10ebae13b240a27e862d3d4217c528e2e0c3 AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY infra/docker/platform-requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm@sha256:d29f48a31a8b408ed19272ca1e7b10ebae13b240a27e862d3d4217c528e2e0c3
RUN groupadd --system --gid 10001 aivo \
    && useradd --system --uid 10001 --gid aivo --home-dir /home/aivo --create-home --shell /usr/sbin/nologin aivo
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/aivo \
    PREFECT_HOME=/tmp/prefect \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    DO_NOT_TRACK=1
WORKDIR /home/aivo
USER 10001:10001
EXPOSE 4200 5000
# Each service brings its own health check (compose `healthcheck`, Kubernetes probes):
# the same image runs three different servers.
HEALTHCHECK NONE
CMD ["prefect", "server", "start", "--host", "0.0.0.0", "--port", "4200"]
