"""registry.retry without servers: which errors are transient, back-off within the budget, no nested budgets."""

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from mlflow.exceptions import MlflowException, RestException
from pydantic import BaseModel, ValidationError

from registry import retry


def _client_error(status: int, code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")


def _validation_error() -> ValidationError:
    class M(BaseModel):
        x: int

    try:
        M(x="nope")
    except ValidationError as exc:
        return exc
    raise AssertionError


REFUSED = ("API request to http://127.0.0.1:5100/api/2.0/mlflow/model-versions/get failed with exception "
           "HTTPConnectionPool(host='127.0.0.1', port=5100): Max retries exceeded with url: x (Caused by "
           "NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))")


@pytest.mark.parametrize("exc", [
    ConnectionRefusedError(111, "Connection refused"),
    ConnectionResetError(104, "Connection reset by peer"),
    TimeoutError("timed out"),
    EndpointConnectionError(endpoint_url="http://127.0.0.1:9100/aivo"),
    ConnectionClosedError(endpoint_url="http://127.0.0.1:9100/aivo"),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:9100/aivo"),
    _client_error(503, "SlowDown"),
    _client_error(500, "InternalError"),
    MlflowException(REFUSED),
    MlflowException("API request to endpoint /api/2.0/mlflow/runs/create failed with error code 502 != 200. "
                    "Response body: 'Bad Gateway'"),
    RestException({"error_code": "INTERNAL_ERROR", "message": "artifact store unreachable"}),
    RestException({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "try later"}),
    RuntimeError("wrapped"),  # with a transient cause, below
])
def test_outages_are_transient(exc):
    if isinstance(exc, RuntimeError):
        exc.__cause__ = ConnectionRefusedError(111, "Connection refused")
    assert retry.is_transient(exc)


@pytest.mark.parametrize("exc", [
    _client_error(404, "NoSuchKey"),
    _client_error(403, "AccessDenied"),
    _client_error(400, "InvalidRequest"),
    MlflowException("Registered Model with name=student-x not found", error_code="RESOURCE_DOES_NOT_EXIST"),
    RestException({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Registered model alias champion not found."}),
    RestException({"error_code": "INVALID_PARAMETER_VALUE", "message": "bad name"}),
    MlflowException("some client-side bug"),
    _validation_error(),
    ValueError("bad baseline"),
    FileNotFoundError("adapter_config.json"),
])
def test_missing_things_bad_data_and_bugs_are_not_transient(exc):
    assert not retry.is_transient(exc)


class Flaky:
    """Fails ``failures`` times with ``exc``, then returns ``"ok"``."""

    def __init__(self, failures: int, exc: Exception):
        self.failures, self.exc, self.calls = failures, exc, 0

    def __call__(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.exc
        return "ok"


def test_transient_errors_are_retried_with_exponential_backoff_within_the_budget():
    waits = []
    flaky = Flaky(4, ConnectionRefusedError(111, "Connection refused"))
    assert retry.call(flaky, budget=60, sleep=waits.append) == "ok"
    assert flaky.calls == 5 and waits == [0.5, 1.0, 2.0, 4.0]


def test_backoff_is_capped_and_the_budget_ends_the_retries(monkeypatch):
    waits = []
    flaky = Flaky(10**6, ConnectionRefusedError(111, "Connection refused"))
    clock = {"t": 1000.0}

    def fake_sleep(s):
        waits.append(s)
        clock["t"] += s

    monkeypatch.setattr(retry.time, "monotonic", lambda: clock["t"])  # a fake clock, moved by the sleeps
    with pytest.raises(ConnectionRefusedError):
        retry.call(flaky, budget=300, sleep=fake_sleep)
    monkeypatch.undo()
    assert max(waits) == retry.MAX_DELAY_S
    assert sum(waits) == pytest.approx(300)  # waited out the whole budget, not more
    assert flaky.calls == len(waits) + 1


def test_non_transient_errors_fail_at_once():
    for exc in (_client_error(404, "NoSuchKey"), ValueError("bad"),
                MlflowException("nope", error_code="RESOURCE_DOES_NOT_EXIST")):
        flaky = Flaky(1, exc)
        with pytest.raises(type(exc)):
            retry.call(flaky, budget=60, sleep=lambda s: pytest.fail("slept"))
        assert flaky.calls == 1


def test_no_budget_outside_patience_one_try():
    flaky = Flaky(1, ConnectionRefusedError(111, "Connection refused"))
    assert retry.current_budget() == 0
    with pytest.raises(ConnectionRefusedError):
        retry.call(flaky, sleep=lambda s: pytest.fail("slept"))
    with retry.patience(10):
        assert retry.current_budget() == 10
        assert retry.call(flaky, sleep=lambda s: None) == "ok"
    assert retry.current_budget() == 0


def test_creating_calls_are_repeated_only_when_the_request_never_arrived():
    lost_answer = Flaky(1, ConnectionResetError(104, "Connection reset by peer"))
    with pytest.raises(ConnectionResetError):  # the run may exist already: no second one
        retry.call(lost_answer, budget=60, idempotent=False, sleep=lambda s: None)
    refused = Flaky(1, MlflowException(REFUSED))
    assert retry.call(refused, budget=60, idempotent=False, sleep=lambda s: None) == "ok"


def test_nested_calls_share_the_outer_budget():
    inner = Flaky(1, ConnectionRefusedError(111, "Connection refused"))
    outer_calls = []

    def outer():
        outer_calls.append(1)
        return retry.call(inner, budget=60, sleep=lambda s: None)  # one try inside: the outer call retries

    assert retry.call(outer, budget=60, sleep=lambda s: None) == "ok"
    assert len(outer_calls) == 2 and inner.calls == 2


def test_retrying_proxy_wraps_methods_and_passes_attributes_through(monkeypatch):
    class Client:
        exceptions = object()

        def __init__(self):
            self.flaky = Flaky(2, EndpointConnectionError(endpoint_url="http://x"))

        def get(self, key):
            self.flaky()
            return key

    client = Client()
    proxy = retry.Retrying(client, "s3")
    assert proxy.exceptions is Client.exceptions
    monkeypatch.setattr(retry, "FIRST_DELAY_S", 0.01)
    with retry.patience(5):
        assert proxy.get("k") == "k"
    assert client.flaky.calls == 3


def test_patient_reads_the_budget_from_settings(tmp_path, monkeypatch):
    from brain.settings import Settings

    monkeypatch.delenv("AIVO_REGISTRY_RETRY_BUDGET_S", raising=False)  # flow tests export their settings

    @retry.patient
    def stage(settings):
        return retry.current_budget()

    assert stage(Settings(_env_file=None, data_dir=tmp_path)) == 300  # the documented default
    assert stage(Settings(_env_file=None, data_dir=tmp_path, registry_retry_budget_s=7)) == 7


def test_a_404_raised_while_handling_an_outage_is_still_a_404():
    """Only explicit causes count: botocore raising NoSuchKey after its own retry of a dropped connection
    (the reconnect after a restart) is a missing object, not an outage."""
    missing = _client_error(404, "NoSuchKey")
    missing.__context__ = ConnectionClosedError(endpoint_url="http://127.0.0.1:9100/aivo")
    assert not retry.is_transient(missing)


def test_retry_records_about_a_students_object_carry_it_as_a_field_and_others_hide_the_error_text(monkeypatch, caplog):
    """Forget deletes log records by their fields, never by text: a retried S3 call's records carry the
    object (so `adapters/<id>/` finds them); a call that names no object logs the error's type only
    (MLflow errors quote `student-<id>` model names)."""
    from registry.forget_local import is_student_record
    from brain.logs import JsonFormatter

    class Client:
        def __init__(self):
            self.flaky = Flaky(1, EndpointConnectionError(endpoint_url="http://127.0.0.1:9/aivo/adapters/stu-1/k/w"))

        def get_object(self, Bucket, Key):
            self.flaky()
            return Key

    monkeypatch.setattr(retry, "FIRST_DELAY_S", 0.01)
    with caplog.at_level("WARNING", logger="registry.retry"), retry.patience(5):
        assert retry.Retrying(Client(), "s3").get_object(Bucket="aivo", Key="adapters/stu-1/k/w") == "adapters/stu-1/k/w"
        flaky = Flaky(1, ConnectionRefusedError(111, "student-stu-1 refused"))
        retry.call(flaky, what="mlflow.get_model_version_by_alias")
    s3_record, mlflow_record = (JsonFormatter().format(r).encode() for r in caplog.records)
    assert is_student_record(s3_record, "stu-1", s3_prefixes=("aivo/adapters/stu-1/",))
    assert not is_student_record(s3_record, "stu-10", s3_prefixes=("aivo/adapters/stu-10/",))
    assert b"stu-1" not in mlflow_record and b"ConnectionRefusedError" in mlflow_record
