"""The S3 object store: client, content-addressed JSON, adapter directories written atomically.

An adapter directory ``adapters/<student>/<key>/`` is staged, then promoted:
its files are uploaded first and it becomes complete only once its
``_MANIFEST.json`` (file names, sizes, sha256) is written, last; readers ignore
a directory without it, so a half-written upload is never visible. An upload
that fails removes what it wrote (best effort: with S3 down that is not
possible, and ``registry.sweep`` removes manifest-less directories once they
are older than a grace period).

Every call goes through ``registry.retry``: inside ``retry.patience`` (the clone
stages) transient S3 errors are retried; outside, one try.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from brain.logs import object_field
from brain.settings import Settings
from registry import retry

log = logging.getLogger(__name__)

MANIFEST = "_MANIFEST.json"


_CLIENTS: dict[tuple, object] = {}


def s3_client(settings: Settings):
    """A boto3 S3 client for these settings, made once per endpoint and credentials (clients are thread-safe;
    making one costs tens of milliseconds, more than reading a small adapter). Its calls retry transient
    errors within the context's ``retry.patience`` budget (none outside one)."""
    key = (settings.s3_endpoint_url, settings.s3_access_key, settings.s3_secret_key.get_secret_value(),
           settings.s3_region)
    client = _CLIENTS.get(key)
    if client is None:
        client = _CLIENTS[key] = retry.Retrying(_new_client(settings), "s3")
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


def get_bytes(settings: Settings, key: str, bucket: str | None = None) -> bytes:
    """An object's body; the request and the read of the body are retried together."""
    client = s3_client(settings)

    def read() -> bytes:
        return client.get_object(Bucket=bucket or settings.s3_bucket, Key=key)["Body"].read()

    return retry.call(read, what="s3.get_object", log_extra=object_field(bucket or settings.s3_bucket, key))


def get_json(settings: Settings, uri: str):
    bucket, key = parse_s3_uri(uri)
    return json.loads(get_bytes(settings, key, bucket))


def upload_dir(settings: Settings, local_dir: Path, prefix: str) -> dict:
    """Upload every file of ``local_dir`` under ``prefix``, then the manifest (the promotion); return it.

    On failure, what was written is removed (``discard_partial``) before the error is raised.
    """
    client = s3_client(settings)
    files, attempted = {}, []
    try:
        for path in sorted(p for p in Path(local_dir).rglob("*") if p.is_file()):
            rel = path.relative_to(local_dir).as_posix()
            data = path.read_bytes()
            attempted.append(f"{prefix}/{rel}")  # before the put: a timed-out put may still have landed
            client.put_object(Bucket=settings.s3_bucket, Key=f"{prefix}/{rel}", Body=data)
            files[rel] = {"bytes": len(data), "sha256": sha256_bytes(data)}
        manifest = {"files": files, "total_bytes": sum(f["bytes"] for f in files.values())}
        client.put_object(Bucket=settings.s3_bucket, Key=f"{prefix}/{MANIFEST}", Body=canonical_json(manifest))
    except BaseException:
        discard_partial(settings, prefix, attempted)
        raise
    return manifest


def discard_partial(settings: Settings, prefix: str, keys: list[str]) -> bool:
    """Best effort: delete the files of a failed upload, unless the directory is complete (an identical
    upload that finished meanwhile). Retried for ``retry.CLEANUP_BUDGET_S``; what cannot be deleted
    (S3 still down) is left to ``registry.sweep``. Returns whether the files were deleted."""
    if not keys:
        return True
    try:
        with retry.patience(retry.CLEANUP_BUDGET_S):
            if read_manifest(settings, prefix) is not None:
                return False
            delete_keys(settings, keys)
        log.info("failed upload under %s: its %d staged file(s) removed", prefix, len(keys),
                 extra=object_field(settings.s3_bucket, prefix + "/"))
        return True
    except Exception as exc:  # noqa: BLE001 - never hide the upload's own error
        log.warning("failed upload under %s: staged files not removed (%s); the sweeper removes them once "
                    "older than the grace period", prefix, exc, extra=object_field(settings.s3_bucket, prefix + "/"))
        return False


def read_manifest(settings: Settings, prefix: str) -> dict | None:
    """The manifest of a complete adapter directory, or None when it is absent (incomplete)."""
    client = s3_client(settings)
    try:
        body = get_bytes(settings, f"{prefix}/{MANIFEST}")
    except client.exceptions.NoSuchKey:
        return None
    return json.loads(body)


def download_dir(settings: Settings, prefix: str, local_dir: Path) -> Path:
    """Download a complete adapter directory, checking each file against the manifest."""
    manifest = read_manifest(settings, prefix)
    if manifest is None:
        raise FileNotFoundError(f"s3://{settings.s3_bucket}/{prefix} is not a complete upload (no manifest)")
    local_dir = Path(local_dir)
    local_dir.mkdir(parents=True, exist_ok=True)
    for rel, meta in manifest["files"].items():
        data = get_bytes(settings, f"{prefix}/{rel}")
        if sha256_bytes(data) != meta["sha256"]:
            raise IOError(f"s3://{settings.s3_bucket}/{prefix}/{rel}: checksum mismatch")
        target = local_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return local_dir


def list_objects(settings: Settings, prefix: str) -> list[dict]:
    """Every object under ``prefix`` (``Key``, ``Size``, ``LastModified``...), one retried request per page."""
    client = s3_client(settings)
    objects: list[dict] = []
    kwargs = {"Bucket": settings.s3_bucket, "Prefix": prefix}
    while True:
        page = client.list_objects_v2(**kwargs)
        objects.extend(page.get("Contents", []))
        if not page.get("IsTruncated"):
            return objects
        kwargs["ContinuationToken"] = page["NextContinuationToken"]


def list_keys(settings: Settings, prefix: str) -> list[str]:
    return [o["Key"] for o in list_objects(settings, prefix)]


def delete_keys(settings: Settings, keys: list[str]) -> int:
    """Delete these objects (absent ones are no error); return how many were asked for."""
    client = s3_client(settings)
    for i in range(0, len(keys), 1000):
        client.delete_objects(Bucket=settings.s3_bucket,
                              Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
    return len(keys)


def delete_prefix(settings: Settings, prefix: str) -> int:
    """Delete every object under ``prefix``; return how many."""
    return delete_keys(settings, list_keys(settings, prefix))
