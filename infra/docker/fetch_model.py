#!/opt/venv/bin/python3
"""Copy a base-model directory from S3 to local disk (the endpoint's init container).

Production base models (Mistral-7B, Llama, ...) are not in the image and no model
hub is reached at run time: the operator uploads the Hugging Face model directory
once to ``s3://<bucket>/base-models/<name>/``; each endpoint pod copies it to an
emptyDir before the endpoint starts, and ``AIVO_BASE_MODEL`` points at that copy.

Credentials come from boto3's default chain (IRSA web identity on EKS); a
non-AWS store is reached through ``AWS_ENDPOINT_URL_S3``. Files already present
with the same size are skipped, so a restart copies nothing.

Run as: ``aivo-fetch-model s3://aivo-prod/base-models/mistral-7b-instruct /models/brain``
"""

from __future__ import annotations

import sys
from pathlib import Path


def fetch(uri: str, dest: Path) -> int:
    import boto3

    if not uri.startswith("s3://"):
        raise SystemExit(f"not an s3:// URI: {uri!r}")
    bucket, _, prefix = uri[5:].partition("/")
    prefix = prefix.rstrip("/") + "/"
    s3 = boto3.client("s3")
    copied = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            rel = obj["Key"][len(prefix):]
            if not rel or rel.endswith("/"):
                continue
            target = dest / rel
            if target.is_file() and target.stat().st_size == obj["Size"]:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            s3.download_file(bucket, obj["Key"], str(partial))
            partial.replace(target)  # never leave a half-written file under its real name
            copied += 1
    if not any(dest.glob("config.json")):
        raise SystemExit(f"{uri} holds no config.json: not a Hugging Face model directory")
    return copied


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    n = fetch(sys.argv[1], Path(sys.argv[2]))
    print(f"copied {n} file(s) from {sys.argv[1]} to {sys.argv[2]}")
