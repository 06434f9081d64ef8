"""The S3 object store: client, content-addressed JSON, adapter directories written atomically.

An adapter directory ``adapters/<student>/<key>/`` is complete only once its
``_MANIFEST.json`` (file names, sizes, sha256) is written, last; readers ignore
a directory without it, so a half-written upload is never visible.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from brain.settings import Settings

MANIFEST = "_MANIFEST.json"


_CLIENTS: dict[tuple, object] = {}


def s3_client(settings: Settings):
    """A boto3 S3 client for these settings, made once per endpoint and credentials (clients are thread-safe;
    making one costs tens of milliseconds, more than reading a small adapter)."""
    key = (settings.s3_endpoint_url, settings.s3_access_key, settings.s3_secret_key.get_secret_value(),
           settings.s3_region)
    client = _CLIENTS.get(key)
    if client is None:
        client = _CLIENTS[key] = _new_client(settings)
    return client


def _new_client(settings: Settings):
    import boto3
    from botocore.config import Config

    # No access key set: boto3's default credential chain (on EKS, the pod's IAM role through IRSA).
    keys = ({"aws_access_key_id": settings.s3_access_key,
             "aws_secret_access_key": settings.s3_secret_key.get_secret_value()} if settings.s3_access_key else {})
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        **keys,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=3,
                      read_timeout=30, s3={"addressing_style": "path"}),
    )


def s3_uri(settings: Settings, key: str) -> str:
    return f"s3://{settings.s3_bucket}/{key}"


def parse_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ValueError(f"not an s3:// URI: {uri!r}")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def put_json_content_addressed(settings: Settings, prefix: str, obj) -> str:
    """Write ``obj`` at ``<prefix>/<sha256>.json`` (same content -> same key); return its s3:// URI."""
    body = canonical_json(obj)
    key = f"{prefix.rstrip('/')}/{sha256_bytes(body)}.json"
    s3_client(settings).put_object(Bucket=settings.s3_bucket, Key=key, Body=body,
                                   ContentType="application/json")
    return s3_uri(settings, key)


def get_json(settings: Settings, uri: str):
    bucket, key = parse_s3_uri(uri)
    return json.loads(s3_client(settings).get_object(Bucket=bucket, Key=key)["Body"].read())


def upload_dir(settings: Settings, local_dir: Path, prefix: str) -> dict:
    """Upload every file of ``local_dir`` under ``prefix``, then the manifest; return the manifest."""
    client = s3_client(settings)
    files = {}
    for path in sorted(p for p in Path(local_dir).rglob("*") if p.is_file()):
        rel = path.relative_to(local_dir).as_posix()
        data = path.read_bytes()
        client.put_object(Bucket=settings.s3_bucket, Key=f"{prefix}/{rel}", Body=data)
        files[rel] = {"bytes": len(data), "sha256": sha256_bytes(data)}
    manifest = {"files": files, "total_bytes": sum(f["bytes"] for f in files.values())}
    client.put_object(Bucket=settings.s3_bucket, Key=f"{prefix}/{MANIFEST}", Body=canonical_json(manifest))
    return manifest


def read_manifest(settings: Settings, prefix: str) -> dict | None:
    """The manifest of a complete adapter directory, or None when it is absent (incomplete)."""
    client = s3_client(settings)
    try:
        body = client.get_object(Bucket=settings.s3_bucket, Key=f"{prefix}/{MANIFEST}")["Body"].read()
    except client.exceptions.NoSuchKey:
        return None
    return json.loads(body)


def download_dir(settings: Settings, prefix: str, local_dir: Path) -> Path:
    """Download a complete adapter directory, checking each file against the manifest."""
    manifest = read_manifest(settings, prefix)
    if manifest is None:
        raise FileNotFoundError(f"s3://{settings.s3_bucket}/{prefix} is not a complete upload (no manifest)")
    client = s3_client(settings)
    local_dir = Path(local_dir)
    local_dir.mkdir(parents=True, exist_ok=True)
    for rel, meta in manifest["files"].items():
        data = client.get_object(Bucket=settings.s3_bucket, Key=f"{prefix}/{rel}")["Body"].read()
        if sha256_bytes(data) != meta["sha256"]:
            raise IOError(f"s3://{settings.s3_bucket}/{prefix}/{rel}: checksum mismatch")
        target = local_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return local_dir


def list_keys(settings: Settings, prefix: str) -> list[str]:
    client = s3_client(settings)
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.s3_bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return keys


def delete_prefix(settings: Settings, prefix: str) -> int:
    """Delete every object under ``prefix``; return how many."""
    client = s3_client(settings)
    keys = list_keys(settings, prefix)
    for i in range(0, len(keys), 1000):
        client.delete_objects(Bucket=settings.s3_bucket,
                              Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
    return len(keys)
