"""The quality gate through clone_student (real Prefect, MLflow and S3; tiny model; scripted teacher and clone).

A deliberately bad teacher (its targets state the answer and wrong math) has every target retried, then
replaced by the verified fallback; a clone whose answers fail the detectors is registered without the
champion alias, and its MLflow version says why. A good teacher and clone become champion.
"""

import json

import anyio
from mlflow import MlflowClient

from flows.clone import clone_student
from flows.stages import CloneRecipe
from registry import adapters
from tests.flows.test_clone import _artifacts, _copy_sample
from tests.training.test_verify import bad_teacher
from training import data, evaluate
from training.evaluate import GatePolicy
from training.recipe import LoraRecipe

# The default quality gate; the tiny model's loss gate asks for any improvement and its readability is noise.
RECIPE = CloneRecipe(lora=LoraRecipe(learning_rate=0.02), target_tries=2,  # the retries are what is tested
                     gate=GatePolicy(max_gain=0.995, max_grade_increase=1000.0))
GOOD = "Let's look at the question together. What do you know already?"
BAD_CLONE = "The student forgot to carry. 7 x 8 = 54. 7 x 8 = 54. 7 x 8 = 54."


def clone_says(monkeypatch, text: str) -> None:
    monkeypatch.setattr(evaluate, "adapter_answers", lambda loaded, trained, prompts, max_new_tokens=48:
                        [text] * len(prompts))


def test_a_bad_teacher_and_a_bad_clone_make_no_champion_and_the_version_says_why(prefect_stack, tmp_path,
                                                                                  monkeypatch):
    settings = prefect_stack
    sampled = bad_teacher(monkeypatch, base_answer=GOOD)
    clone_says(monkeypatch, BAD_CLONE)
    result = clone_student(baseline_path=_copy_sample(tmp_path, "stu-0002", "t-qbad"), recipe=RECIPE)

    ev = result["eval"]
    assert result["aliases"] == [] and not ev["gate_passed"] and not ev["quality"]["passed"]
    assert adapters.resolve(settings, "t-qbad") is None
    targets = ev["targets"]
    assert (targets["accepted"], targets["retried"], targets["fallback"]) == (0, 0, 20)
    assert len(sampled) == 2 and targets["fired"]["wrong_claim"] == 60 and targets["fired"]["reveal"] > 0

    mv = adapters.list_versions(settings, "t-qbad")[0]
    tags = mv.tags
    assert tags["gate"] == "failed"
    assert (tags["targets_accepted"], tags["targets_retried"], tags["targets_fallback"]) == ("0", "0", "20")
    assert json.loads(tags["targets"])["first_fired"]["wrong_claim"] == 20
    assert "FAIL quality on heldout" in tags["gate_reasons"] and "FAIL quality on probes (8 items)" in tags[
        "gate_reasons"] and "persona 1.00 > ceiling 0.25" in tags["gate_reasons"]
    gate = json.loads(tags["quality_gate"])
    assert not gate["passed"] and gate["sets"]["probes"]["adapter"]["wrong_claim"] == 1.0
    flagged = json.loads(tags["quality_flagged"])
    assert flagged and flagged[0]["side"] == "adapter" and flagged[0]["text"].startswith("The student forgot")
    assert {"detector", "prompt", "text", "set"} <= flagged[0].keys()
    assert all(len(v) <= adapters.MAX_TAG_CHARS for v in tags.values())

    run = MlflowClient(settings.mlflow_tracking_uri).get_run(mv.run_id)
    assert run.data.metrics["targets_fallback"] == 20 and run.data.metrics["quality_passed"] == 0
    assert run.data.metrics["quality_probes_adapter_persona"] == 1.0

    report = anyio.run(_artifacts, "clone-t-qbad-report")[0].data
    assert "accepted 0, retried 0, fallback 20" in report and "Quality gate: FAILED" in report
    assert "Flagged samples" in report and "The student forgot" in report


def test_a_good_teacher_and_clone_make_a_champion_with_the_numbers_on_its_version(prefect_stack, tmp_path,
                                                                                   monkeypatch):
    settings = prefect_stack
    monkeypatch.setattr(data, "generate_answers", lambda loaded, conversations, *a, **k:
                        [(GOOD, True, "")] * len(conversations))
    clone_says(monkeypatch, GOOD)
    result = clone_student(baseline_path=_copy_sample(tmp_path, "stu-0002", "t-qgood"), recipe=RECIPE)

    assert result["aliases"] == ["champion"], result["eval"]["gate_reasons"]
    assert (result["eval"]["targets"]["accepted"], result["eval"]["targets"]["fallback"]) == (20, 0)
    tags = adapters.resolve(settings, "t-qgood").tags
    assert tags["gate"] == "passed" and tags["targets_accepted"] == "20" and json.loads(tags["quality_gate"])["passed"]
    assert "PASS quality on probes (8 items)" in tags["gate_reasons"]
    report = anyio.run(_artifacts, "clone-t-qgood-report")[0].data
    assert "Quality gate: passed" in report
