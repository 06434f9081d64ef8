"""The names a clone run is known by (registry/clone_runs.py) match what flows/ registers and writes."""

from pathlib import Path

import yaml

from registry import clone_runs

REPO = Path(__file__).resolve().parents[2]


def test_the_deployment_serving_starts_is_the_one_prefect_yaml_registers_for_the_clone_flow():
    from flows.clone import clone_student

    deployments = {d["name"]: d for d in yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]}
    flow_name, deployment = clone_runs.CLONE_DEPLOYMENT.split("/")
    assert clone_student.name == flow_name == clone_runs.CLONE_FLOW
    assert deployments[deployment]["entrypoint"].endswith(f":{clone_student.fn.__name__}")


def test_the_stage_serving_reads_is_the_one_the_flow_wrote_and_only_the_students_own():
    for stage in ("starting", "training (step 3/9)", "registered v2"):
        description = clone_runs.progress_description("stu-1", stage)
        assert clone_runs.stage_of(description) == stage
        assert clone_runs.is_progress_of(description, "stu-1")
        assert not clone_runs.is_progress_of(description, "stu-10") and not clone_runs.is_progress_of(description, "stu")
    assert clone_runs.stage_of(None) is None
    assert clone_runs.progress_key("Stu_1.a") == "clone-stu-1-a" and clone_runs.report_key("x") == "clone-x-report"


def test_report_keys_and_student_tags_are_told_apart_exactly():
    assert clone_runs.is_report_key(clone_runs.report_key("Stu_0042"))
    assert not clone_runs.is_report_key(clone_runs.progress_key("stu-0042"))
    assert not clone_runs.is_report_key("other-report")
    assert clone_runs.student_tag("stu-1") != clone_runs.student_tag("stu-10")
    assert clone_runs.flow_actor(clone_runs.CLONE_FLOW) == "flow:clone-student"
