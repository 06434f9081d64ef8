"""Nothing half-written after a fault, against a REAL S3 server (rclone serve s3) that the tests stop and restart.

Each test starts its own S3 server (function scope, own port and data dir), so stopping it never
touches the session servers other tests use.
"""

from __future__ import annotations

import threading
import time

import pytest

from aivo import stack
from registry import retry, storage, sweep
from tests.conftest import make_settings

pytestmark = pytest.mark.stack

GRACE_S = 2.0  # the sweeper's grace period in the sweeper tests (production default: 1 hour)


@pytest.fixture
def own_s3(tmp_path):
    """Grace period 1 hour: the restarts in the upload tests must not sweep what the upload itself removes."""
    settings = make_settings(tmp_path / "stack")
    stack.up(settings, only=["s3"], echo=lambda _m: None)
    try:
        yield settings
    finally:
        stack.stop_service(settings, "s3")


@pytest.fixture
def adapter_dir(tmp_path):
    d = tmp_path / "adapter"
    d.mkdir()
    (d / "adapter_config.json").write_text('{"r": 8}')
    (d / "adapter_model.safetensors").write_bytes(b"\x01" * 4096)
    return d


def restart_later(settings, delay: float) -> threading.Thread:
    """Start the S3 server again ``delay`` seconds from now (same port, same data)."""

    def run():
        time.sleep(delay)
        stack.up(settings, only=["s3"], echo=lambda _m: None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def stop_s3_before(settings, monkeypatch, file_name: str, restart_after: float | None) -> dict:
    """Stop the real S3 server just before the upload of ``file_name`` (after the files before it landed)."""
    client = storage.s3_client(settings)
    put = client.put_object  # the retrying method
    seen = {"stopped_at": None}

    def hooked(**kwargs):
        if kwargs["Key"].endswith(file_name) and seen["stopped_at"] is None:
            stack.stop_service(settings, "s3")
            seen["stopped_at"] = time.monotonic()
            if restart_after is not None:
                seen["restart"] = restart_later(settings, restart_after)
        return put(**kwargs)

    monkeypatch.setattr(client, "put_object", hooked)
    return seen


def test_s3_stopped_mid_upload_leaves_no_staged_files(own_s3, adapter_dir, monkeypatch):
    """The second file's upload fails (S3 down past the retry budget); the staged first file is removed once
    S3 answers again, within the cleanup window; no manifest-less directory remains."""
    s = own_s3
    prefix = "adapters/f-1/" + "a" * 16
    seen = stop_s3_before(s, monkeypatch, "adapter_model.safetensors", restart_after=5.0)
    start = time.monotonic()
    with retry.patience(2.0), pytest.raises(Exception) as failed:
        storage.upload_dir(s, adapter_dir, prefix)
    assert retry.is_transient(failed.value)
    assert seen["stopped_at"] is not None
    seen["restart"].join(30)
    monkeypatch.undo()
    assert storage.list_keys(s, prefix) == []  # adapter_config.json was staged, then removed
    assert storage.list_keys(s, "adapters/") == []
    print(f"upload failed, staged file removed {time.monotonic() - start:.1f}s after the upload began")


def test_s3_outage_shorter_than_the_budget_is_ridden_out_mid_upload(own_s3, adapter_dir, monkeypatch):
    s = own_s3
    prefix = "adapters/f-2/" + "b" * 16
    seen = stop_s3_before(s, monkeypatch, "adapter_model.safetensors", restart_after=3.0)
    with retry.patience(30.0):
        manifest = storage.upload_dir(s, adapter_dir, prefix)
    waited = time.monotonic() - seen["stopped_at"]
    seen["restart"].join(30)
    monkeypatch.undo()
    assert waited >= 3.0
    assert storage.read_manifest(s, prefix) == manifest
    assert manifest["files"]["adapter_model.safetensors"]["bytes"] == 4096
    print(f"upload survived an S3 outage of {waited:.1f}s")


def test_s3_reads_survive_a_restart_a_few_seconds_later(own_s3, adapter_dir, tmp_path):
    s = own_s3
    prefix = "adapters/f-3/" + "c" * 16
    storage.upload_dir(s, adapter_dir, prefix)
    stack.stop_service(s, "s3")
    stopped = time.monotonic()
    restart = restart_later(s, 4.0)
    with retry.patience(30.0):
        out = storage.download_dir(s, prefix, tmp_path / "back")
    waited = time.monotonic() - stopped
    restart.join(30)
    assert (out / "adapter_model.safetensors").read_bytes() == b"\x01" * 4096
    assert waited >= 4.0
    print(f"S3 read survived an outage of {waited:.1f}s")


def test_s3_outage_longer_than_the_budget_fails_and_missing_objects_are_not_retried(own_s3):
    s = own_s3
    # not there: a 404, answered at once even with a long budget
    with retry.patience(30.0):
        t = time.monotonic()
        assert storage.read_manifest(s, "adapters/nobody/" + "d" * 16) is None
        with pytest.raises(storage.s3_client(s).exceptions.NoSuchKey):
            storage.get_bytes(s, "adapters/nobody/x.json")
        assert time.monotonic() - t < 2.0
    stack.stop_service(s, "s3")
    t = time.monotonic()
    with retry.patience(2.0), pytest.raises(Exception) as failed:
        storage.list_keys(s, "adapters/")
    assert retry.is_transient(failed.value) and 2.0 <= time.monotonic() - t < 15.0
    t = time.monotonic()
    with pytest.raises(Exception):  # no patience (the endpoint): one try
        storage.list_keys(s, "adapters/")
    assert time.monotonic() - t < 5.0


def _plant(s, directory: str, files=("adapter_config.json",)) -> None:
    client = storage.s3_client(s)
    for name in files:
        client.put_object(Bucket=s.s3_bucket, Key=f"{directory}/{name}", Body=b"{}")


def test_sweeper_at_start_removes_old_manifestless_uploads_only(own_s3, adapter_dir):
    s = own_s3.model_copy(update={"adapter_orphan_grace_s": GRACE_S})
    old_orphan = "adapters/f-4/" + "1" * 16
    old_brain_orphan = "brains/" + "2" * 16
    complete = "adapters/f-4/" + "3" * 16
    _plant(s, old_orphan)
    _plant(s, old_brain_orphan, ("adapter_config.json", "adapter_model.safetensors"))
    storage.upload_dir(s, adapter_dir, complete)
    time.sleep(GRACE_S + 1.0)  # those three are now older than the grace period
    fresh_orphan = "adapters/f-5/" + "4" * 16  # still "uploading"
    _plant(s, fresh_orphan)
    assert sweep.incomplete_uploads(s) == [old_orphan]

    stack.stop_service(s, "s3")
    stack.up(s, only=["s3"], echo=lambda _m: None)  # the next start sweeps

    assert storage.list_keys(s, old_orphan + "/") == []
    assert storage.list_keys(s, old_brain_orphan + "/") == []
    assert storage.read_manifest(s, complete) is not None  # a manifest: never removed, whatever its age
    assert len(storage.list_keys(s, complete + "/")) == 3
    assert storage.list_keys(s, fresh_orphan + "/") == [fresh_orphan + "/adapter_config.json"]  # within grace


def test_sweeper_spares_a_directory_completed_between_listing_and_delete(own_s3, adapter_dir, monkeypatch):
    s = own_s3.model_copy(update={"adapter_orphan_grace_s": GRACE_S})
    racing = "adapters/f-6/" + "5" * 16
    _plant(s, racing)
    time.sleep(GRACE_S + 0.5)
    listed = sweep.incomplete_uploads(s)
    assert listed == [racing]
    storage.upload_dir(s, adapter_dir, racing)  # the upload completes after the listing
    monkeypatch.setattr(sweep, "incomplete_uploads", lambda *a, **k: listed)
    assert sweep.sweep_incomplete(s) == []
    assert storage.read_manifest(s, racing) is not None
