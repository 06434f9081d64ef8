"""clone_student end to end on real Prefect, MLflow and S3 servers with the tiny model."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from mlflow import MlflowClient
from prefect.client.orchestration import get_client

from flows import clone as clone_flow
from flows.clone import clone_student
from flows.stages import CloneRecipe
from registry import adapters, storage
from training.evaluate import GatePolicy
from training.recipe import LoraRecipe

SAMPLES = Path(__file__).parents[2] / "samples" / "baselines"
# The tiny random model sits near the uniform loss (ln 49152 = 10.8): a higher learning rate moves it,
# and its gate asks for any improvement rather than the default 5%.
# Its sampled "answers" are random tokens, so readability and the tutoring detectors say nothing about it: those
# gates are left open here (tests/training covers the gate's logic; tests/flows/test_quality_gate.py the quality
# gate through the flow, with scripted answers).
OPEN_QUALITY = dict(max_rate_increase=1.0, max_reveal=1.0, max_wrong_claim=1.0, max_echo=1.0, max_persona=1.0,
                    max_degeneration=1.0)
TINY_RECIPE = CloneRecipe(lora=LoraRecipe(learning_rate=0.02),
                          gate=GatePolicy(max_gain=0.995, max_grade_increase=1000.0, **OPEN_QUALITY))
TINY = {"recipe": TINY_RECIPE}


def grant_consent(*students: str) -> None:
    """Record collect + personalise consent, which ingest requires (the flows' settings: the test servers)."""
    from brain.settings import get_settings
    from registry import consent

    for sid in students:
        for purpose in consent.PURPOSES:
            consent.grant(get_settings(), sid, purpose, source="test_fixture", actor="tests")


def _copy_sample(tmp_path: Path, student: str, new_id: str) -> str:
    grant_consent(new_id)
    data = json.loads((SAMPLES / f"{student}.json").read_text())
    data["student"]["student_id"] = new_id
    path = tmp_path / f"{new_id}.json"
    path.write_text(json.dumps(data))
    return str(path)


async def _artifacts(key: str):
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async with get_client() as client:
        return await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))


def test_clone_registers_a_champion_with_metrics_tags_and_files(prefect_stack, tmp_path):
    settings = prefect_stack
    seen = []
    clone_flow.PROGRESS_LISTENERS.append(lambda sid, pct, stage: seen.append((pct, stage)))
    try:
        result = clone_student(baseline_path=_copy_sample(tmp_path, "stu-0002", "t-clone-1"), **TINY)
    finally:
        clone_flow.PROGRESS_LISTENERS.clear()

    # progress moved through the stages, per training step, to 100
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert any("fine-tune step 1/" in s for _, s in seen) and any("evaluating" in s for _, s in seen)

    assert result["version"] == "1" and result["aliases"] == ["champion"] and not result["reused"], result["eval"]["gate_reasons"]
    ev = result["eval"]
    assert ev["adapter_eval_loss"] < ev["base_eval_loss"] and ev["gate_passed"]

    champion = adapters.resolve(settings, "t-clone-1")
    assert champion.version == "1"
    files = storage.list_keys(settings, champion.prefix + "/")
    assert {Path(f).name for f in files} == {"adapter_config.json", "adapter_model.safetensors", "_MANIFEST.json"}
    assert 0 < result["adapter_bytes"] < 1_000_000

    client = MlflowClient(settings.mlflow_tracking_uri)
    mv = client.get_model_version("student-t-clone-1", "1")
    for tag in ("base_model", "base_weights_sha256", "data_sha256", "training_config", "brain_version",
                "eval_summary", "clone_key"):
        assert mv.tags.get(tag), tag
    run = client.get_run(mv.run_id)
    assert run.data.params["rank"] == "8" and run.data.params["epochs"] == "3"
    assert {"base_eval_loss", "adapter_eval_loss", "personalization_gain"} <= set(run.data.metrics)
    assert len(client.get_metric_history(mv.run_id, "train_loss")) >= 3
    artifacts = {a.path for a in client.list_artifacts(mv.run_id)}
    assert {"loss_curve.png", "eval.json"} <= artifacts

    import anyio

    progress = anyio.run(_artifacts, "clone-t-clone-1")
    assert progress and progress[0].type == "progress" and progress[0].data == 100
    report = anyio.run(_artifacts, "clone-t-clone-1-report")
    assert report and "adapter eval loss" in report[0].data and "/#/models/student-t-clone-1/versions/1" in report[0].data


def test_same_data_and_config_does_not_create_a_second_version(prefect_stack, tmp_path):
    path = _copy_sample(tmp_path, "stu-0003", "t-idem")
    first = clone_student(baseline_path=path, **TINY)
    again = clone_student(baseline_path=path, **TINY)
    assert again["reused"] and again["version"] == first["version"]
    assert [v.version for v in adapters.list_versions(prefect_stack, "t-idem")] == [first["version"]]
    two_epochs = replace(TINY_RECIPE, lora=replace(TINY_RECIPE.lora, epochs=2))
    other = clone_student(baseline_path=path, recipe=two_epochs)  # another recipe is another clone
    assert other["version"] != first["version"] and not other["reused"]


def test_review_policy_registers_a_candidate_and_a_reviewer_promotes_it(prefect_stack, tmp_path):
    settings = prefect_stack
    result = clone_student(baseline_path=_copy_sample(tmp_path, "stu-0006", "t-review"), require_review=True, **TINY)
    assert result["aliases"] == ["candidate"]
    assert adapters.resolve(settings, "t-review") is None  # nothing served until approved
    adapters.set_alias(settings, "t-review", "champion", result["version"])  # what the reviewer does in the UI
    assert adapters.resolve(settings, "t-review").version == result["version"]


def test_failed_gate_registers_no_alias(prefect_stack, tmp_path):
    strict = CloneRecipe(lora=LoraRecipe(learning_rate=0.02),
                         gate=GatePolicy(max_gain=0.5, max_grade_increase=1000.0, **OPEN_QUALITY))
    result = clone_student(baseline_path=_copy_sample(tmp_path, "stu-0001", "t-gate"), recipe=strict)
    assert result["aliases"] == [] and not result["eval"]["gate_passed"]
    assert any("eval loss" in r for r in result["eval"]["gate_reasons"])
    assert adapters.resolve(prefect_stack, "t-gate") is None
    assert adapters.list_versions(prefect_stack, "t-gate")[0].tags["gate"] == "failed"


def test_mlflow_failure_while_registering_is_retried_then_leaves_nothing_half_written(prefect_stack, tmp_path,
                                                                                      monkeypatch):
    settings = prefect_stack
    calls = []

    def outage(self, *args, **kwargs):
        calls.append(args)
        raise ConnectionError("MLflow unreachable (injected)")

    monkeypatch.setattr(MlflowClient, "set_registered_model_alias", outage)
    with pytest.raises(ConnectionError):
        clone_student(baseline_path=_copy_sample(tmp_path, "stu-0004", "t-fault"), **TINY)
    assert len(calls) >= 3  # retried with back-off for the retry budget (3 s here: 0.5 + 1 + 1.5)
    monkeypatch.undo()
    assert adapters.list_versions(settings, "t-fault") == []  # no half-registered version, no alias
    assert storage.list_keys(settings, "adapters/t-fault/") == []  # no orphan adapter files
    exp = MlflowClient(settings.mlflow_tracking_uri).get_experiment_by_name(adapters.EXPERIMENT)
    runs = MlflowClient(settings.mlflow_tracking_uri).search_runs(
        [exp.experiment_id], "tags.student_id = 't-fault'")
    assert runs == []  # the clone's runs were deleted
