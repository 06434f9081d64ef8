"""clone_cohort and retrain_curriculum on the real servers with the tiny model; the reviewer notebook."""

import os
import shutil
from pathlib import Path

import anyio
import pytest
from mlflow import MlflowClient

from brain import models
from flows.cohort import clone_cohort
from flows.curriculum import CurriculumRecipe, retrain_curriculum
from flows.stages import CloneRecipe
from registry import adapters
from registry.brain import BRAIN_MODEL, current_brain
from tests.flows.test_clone import TINY, TINY_RECIPE, _artifacts, _copy_sample
from training.recipe import LoraRecipe

REPO = Path(__file__).parents[2]


def test_cohort_clones_everyone_loading_the_base_once_and_reports_bad_files(prefect_stack, tmp_path, monkeypatch):
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    for sample, sid in (("stu-0002", "c-1"), ("stu-0004", "c-2"), ("stu-0007", "c-3")):
        shutil.copy(_copy_sample(tmp_path, sample, sid), cohort / f"{sid}.json")
    (cohort / "broken.json").write_text('{"assessment_id": "x", "items": []}')

    loads = []
    real_load = models.load_base_model
    monkeypatch.setattr(models, "load_base_model", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    models._SHARED.clear()

    rows = clone_cohort(baselines_dir=str(cohort), parallelism=2, recipe=CloneRecipe(lora=TINY_RECIPE.lora))
    by_file = {r["file"]: r for r in rows}
    assert by_file["broken.json"]["status"] == "rejected" and "student: Field required" in by_file["broken.json"]["error"]
    for sid in ("c-1", "c-2", "c-3"):
        row = by_file[f"{sid}.json"]
        assert row["status"] == "cloned" and row["version"] == "1", row
        assert row["adapter_eval_loss"] < row["base_eval_loss"]
        assert [v.version for v in adapters.list_versions(prefect_stack, sid)] == ["1"]
    assert len(loads) == 1  # the base model was loaded once for the whole cohort

    summary = anyio.run(_artifacts, "clone-cohort-summary")
    assert summary and summary[0].type == "table" and "c-2" in summary[0].data

    again = clone_cohort(baselines_dir=str(cohort), parallelism=1, recipe=CloneRecipe(lora=TINY_RECIPE.lora))
    assert {r["status"] for r in again if r["student_id"]} == {"reused"}


def test_curriculum_registers_a_brain_and_reclones_students_on_the_old_brain(prefect_stack, tmp_path):
    settings = prefect_stack
    from flows.clone import clone_student

    old = clone_student(baseline_path=_copy_sample(tmp_path, "stu-0005", "cur-1"), **TINY)
    assert adapters.resolve(settings, "cur-1").tags["brain_version"] == "0"
    try:
        _retrain_and_check(settings, old)
    finally:  # later tests (serving) expect the plain base as the brain
        MlflowClient(settings.mlflow_tracking_uri).delete_registered_model(BRAIN_MODEL)


def _retrain_and_check(settings, old):
    quick = CurriculumRecipe(lora=LoraRecipe(learning_rate=0.02, epochs=1), max_train_items=48)
    summary = retrain_curriculum(recipe=quick)
    brain = summary["brain"]
    assert brain["gate_passed"] and brain["aliases"] == ["champion"], brain
    client = MlflowClient(settings.mlflow_tracking_uri)
    mv = client.get_model_version(BRAIN_MODEL, brain["version"])
    assert mv.tags["base_weights_sha256"] and mv.tags["curriculum_sha256"]
    run = client.get_run(mv.run_id)
    assert run.data.metrics["new_eval_loss"] < run.data.metrics["current_eval_loss"]
    assert current_brain(settings, models.shared_base_model(settings).weights_sha256).version == brain["version"]

    recloned = {r["student_id"]: r for r in summary["recloned"]}
    assert "cur-1" in recloned and recloned["cur-1"]["old_brain"] == "0"
    new = adapters.resolve(settings, "cur-1")
    assert new.version != old["version"] and new.tags["brain_version"] == brain["version"], summary["recloned"]

    # nothing is stale any more: a re-run without retraining re-clones nobody
    assert retrain_curriculum(retrain=False)["recloned"] == []


@pytest.mark.timeout(300)
def test_reviewer_notebook_executes(prefect_stack, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(REPO / "notebooks" / "review_clone.ipynb", as_version=4)
    os.environ.update({"REVIEW_STUDENT_ID": "c-1", "REVIEW_MAX_NEW_TOKENS": "8",
                       "REVIEW_FIGURE": str(tmp_path / "metrics.png")})
    if not adapters.list_versions(prefect_stack, "c-1"):
        from flows.clone import clone_student

        clone_student(baseline_path=_copy_sample(tmp_path, "stu-0002", "c-1"), **TINY)
    NotebookClient(nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    last = outputs[-1]["data"]["text/plain"]
    assert "'student': 'c-1'" in last and "'adapter_below_base': True" in last
    assert (tmp_path / "metrics.png").stat().st_size > 1000
