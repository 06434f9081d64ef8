"""Benchmarks of AIVO Brain on this machine, written to benchmarks/results/.

clone: with the embedded SmolLM2-135M-Instruct and real S3 / MLflow / Prefect
servers started for the run (loopback, temporary data dir):
- one clone of a sample student (targets + train + eval + register), base already loaded;
- a cohort of 10 students (the 7 samples + 3 more ids), base loaded once;
- adapter size, and adapter vs base eval loss for every student.

serving: the batching engine with many students' adapters (benchmarks/serving.py).

admission: 8, 32 and 64 concurrent clients against one replica's admission control (benchmarks/admission.py).

Run as: ``make bench`` (all) or ``python -m benchmarks.run clone`` / ``serving`` / ``admission``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from brain.settings import Settings

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
SAMPLES = REPO / "samples" / "baselines"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bench_settings(data_dir: Path) -> Settings:
    cache = Path(os.environ.get("AIVO_MODEL_CACHE", REPO / ".aivo" / "models"))
    return Settings(_env_file=None, base_model="smollm2-135m-instruct", data_dir=data_dir, model_cache=cache,
                    s3_endpoint_url=f"http://127.0.0.1:{_free_port()}",
                    mlflow_tracking_uri=f"http://127.0.0.1:{_free_port()}",
                    prefect_api_url=f"http://127.0.0.1:{_free_port()}/api", s3_bucket="aivo-bench")


def bench_clone() -> dict:
    from aivo import stack

    data_dir = Path(tempfile.mkdtemp(prefix="aivo-bench-"))
    settings = _bench_settings(data_dir)
    stack.up(settings, only=["s3", "mlflow", "prefect"], echo=lambda m: print(m, file=sys.stderr))
    try:
        os.environ.update(settings.to_env())
        os.environ["PREFECT_API_URL"] = settings.prefect_api_url
        from brain import settings as settings_module

        settings_module.get_settings.cache_clear()
        from brain.models import shared_base_model
        from flows.clone import clone_student
        from flows.cohort import clone_cohort

        t = time.perf_counter()
        base = shared_base_model(settings)
        base_load = time.perf_counter() - t

        from registry import consent  # sample students: consent recorded as for a demo

        for sid in [p.stem for p in SAMPLES.glob("*.json")] + [f"bench-{i:04d}" for i in range(8, 11)] + ["bench-one"]:
            for purpose in consent.PURPOSES:
                consent.grant(settings, sid, purpose, source="sample_data", actor="benchmark")

        # The single clone is stu-0002's baseline under another id, so every student of the cohort is a fresh clone.
        single = json.loads((SAMPLES / "stu-0002.json").read_text())
        single["student"]["student_id"] = "bench-one"
        (data_dir / "bench-one.json").write_text(json.dumps(single))
        t = time.perf_counter()
        one = clone_student(baseline_path=str(data_dir / "bench-one.json"))
        one_seconds = time.perf_counter() - t

        cohort_dir = data_dir / "cohort"
        cohort_dir.mkdir()
        samples = sorted(SAMPLES.glob("*.json"))
        for p in samples:
            shutil.copy(p, cohort_dir / p.name)
        for i, p in enumerate(samples[:3]):  # 3 more students with other ids -> 10
            d = json.loads(p.read_text())
            d["student"]["student_id"] = f"bench-{i + 8:04d}"
            (cohort_dir / f"bench-{i + 8:04d}.json").write_text(json.dumps(d))
        t = time.perf_counter()
        rows = clone_cohort(baselines_dir=str(cohort_dir))
        cohort_seconds = time.perf_counter() - t
    finally:
        stack.down(settings, echo=lambda m: None)
        shutil.rmtree(data_dir, ignore_errors=True)

    cloned = [r for r in rows if r["status"] in ("cloned", "reused")]
    return {
        "model": "smollm2-135m-instruct", "params": base.num_parameters, "base_load_seconds": round(base_load, 1),
        "one_clone": {"student": one["student_id"], "seconds_end_to_end": round(one_seconds, 1),
                      "stages_seconds": {k: round(v, 1) for k, v in one["timings"].items()},
                      "adapter_bytes": one["adapter_bytes"], "base_eval_loss": one["eval"]["base_eval_loss"],
                      "adapter_eval_loss": one["eval"]["adapter_eval_loss"], "gate_passed": one["eval"]["gate_passed"],
                      "aliases": one["aliases"]},
        "cohort": {"students": len(rows), "cloned": len(cloned), "seconds": round(cohort_seconds, 1),
                   "seconds_per_student": round(cohort_seconds / max(1, len(rows)), 1), "rows": rows},
        "adapter_bytes_max": max(r["adapter_bytes"] for r in cloned),
        "students_with_adapter_below_base": sum(r["adapter_eval_loss"] < r["base_eval_loss"] for r in cloned),
        "targets": {"one_clone_seconds": 60, "cohort_10_seconds": 360, "adapter_bytes": 1_000_000},
        "reference_document": {"clone_seconds_gpu": "40-50", "adapter_bytes": 50_000_000},
    }


def bench_serving() -> dict:
    from benchmarks.serving import bench_serving as run

    return run(_bench_settings)


def bench_admission() -> dict:
    from benchmarks.admission import bench_admission as run

    return run(_bench_settings)


def _markdown(name: str, result: dict) -> str:
    if name == "admission":
        from benchmarks.admission import markdown

        return markdown(result)
    if name == "serving":
        from benchmarks.serving import markdown

        return markdown(result)
    if name != "clone":
        return "```json\n" + json.dumps(result, indent=2) + "\n```\n"
    one, co = result["one_clone"], result["cohort"]
    lines = [
        "# Clone benchmark (embedded SmolLM2-135M-Instruct, CPU)", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores. Command: `python -m benchmarks.run clone`.", "",
        "| measure | ours | target | reference document |", "|---|---|---|---|",
        f"| one clone, base loaded (targets+train+eval+register) | {one['seconds_end_to_end']} s | <= 60 s | 40-50 s on a GPU |",
        f"| cohort of 10 | {co['seconds']} s ({co['seconds_per_student']} s/student) | <= 360 s | - |",
        f"| adapter size (largest) | {result['adapter_bytes_max'] / 1e6:.2f} MB | <= 1 MB | ~50 MB |",
        f"| students with adapter eval loss < base | {result['students_with_adapter_below_base']}/{co['cloned']} | all | - |",
        "", f"One clone stages (s): {one['stages_seconds']}", "",
        "| student | status | version | alias | base eval loss | adapter eval loss | gate | s |", "|---|---|---|---|---|---|---|---|",
    ]
    for r in co["rows"]:
        lines.append(f"| {r.get('student_id')} | {r['status']} | {r.get('version', '-')} | {r.get('alias', '-')} | "
                     f"{r.get('base_eval_loss', float('nan')):.4f} | {r.get('adapter_eval_loss', float('nan')):.4f} | "
                     f"{r.get('gate', '-')} | {r.get('seconds', '-')} |")
    return "\n".join(lines) + "\n"


BENCHES = {"clone": bench_clone, "serving": bench_serving, "admission": bench_admission}


def main(names: list[str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in names or list(BENCHES):
        result = {"bench": name, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **BENCHES[name]()}
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
        (RESULTS / f"{name}.md").write_text(_markdown(name, result))
        print(_markdown(name, result))


if __name__ == "__main__":
    main(sys.argv[1:])
