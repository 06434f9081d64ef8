"""Clone benchmark: one clone and a cohort of 10 with the embedded SmolLM2-135M-Instruct, real S3 / MLflow /
Prefect servers started for the run (loopback, temporary data dir).

Reports time, adapter size and, for every student, the personalisation gain (adapter / base eval loss on the
held-out items; the gate needs <= 0.95). CI machines differ (AMD EPYC, Intel Xeon with AVX512-BF16 or AMX) and
a clone's numbers can depend on the CPU's kernels (docs/pipeline.md), so the gains are kept per CPU kind: each
run replaces its own kind's entry in ``by_cpu`` of the results file and keeps the others.

Run as: ``python -m benchmarks.run clone`` (part of ``make bench``).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from brain.settings import Settings

ISA_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16")


def cpu_kind() -> dict:
    """The CPU's vendor, model name and the vector extensions that pick kernels, from /proc/cpuinfo."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    flags = set(fields.get("flags", "").split())
    isa = [f for f in ISA_FLAGS if f in flags]
    name = fields.get("model name", platform.processor() or platform.machine())
    vendor = {"GenuineIntel": "Intel", "AuthenticAMD": "AMD"}.get(fields.get("vendor_id", ""), fields.get("vendor_id", "?"))
    family = f"family {fields.get('cpu family', '?')} model {fields.get('model', '?')}"
    label = name if name.startswith(vendor) else f"{vendor} {name}"
    return {"key": f"{label} ({family}; {' '.join(isa) or 'no avx2'})", "vendor": vendor, "model_name": name,
            "family": family, "isa": isa, "cores": os.cpu_count()}


def _gains(rows: list[dict]) -> dict:
    gains = [r["adapter_eval_loss"] / r["base_eval_loss"] for r in rows if r.get("base_eval_loss")]
    return {"students": len(gains), "gain_mean": round(statistics.fmean(gains), 4), "gain_max": round(max(gains), 4),
            "gain_min": round(min(gains), 4), "gates_passed": sum(r.get("gate") == "passed" for r in rows)}


def bench_clone(make_settings: Callable[[Path], Settings], samples: Path, results_file: Path) -> dict:
    from registry import servers

    data_dir = Path(tempfile.mkdtemp(prefix="aivo-bench-"))
    settings = make_settings(data_dir)
    servers.up(settings, only=["s3", "mlflow", "prefect"], echo=lambda m: print(m, file=sys.stderr))
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

        for sid in [p.stem for p in samples.glob("*.json")] + [f"bench-{i:04d}" for i in range(8, 11)] + ["bench-one"]:
            for purpose in consent.PURPOSES:
                consent.grant(settings, sid, purpose, source="sample_data", actor="benchmark")

        # The single clone is stu-0002's baseline under another id, so every student of the cohort is a fresh clone.
        single = json.loads((samples / "stu-0002.json").read_text())
        single["student"]["student_id"] = "bench-one"
        (data_dir / "bench-one.json").write_text(json.dumps(single))
        t = time.perf_counter()
        one = clone_student(baseline_path=str(data_dir / "bench-one.json"))
        one_seconds = time.perf_counter() - t

        cohort_dir = data_dir / "cohort"
        cohort_dir.mkdir()
        files = sorted(samples.glob("*.json"))
        for p in files:
            shutil.copy(p, cohort_dir / p.name)
        for i, p in enumerate(files[:3]):  # 3 more students with other ids -> 10
            d = json.loads(p.read_text())
            d["student"]["student_id"] = f"bench-{i + 8:04d}"
            (cohort_dir / f"bench-{i + 8:04d}.json").write_text(json.dumps(d))
        t = time.perf_counter()
        rows = clone_cohort(baselines_dir=str(cohort_dir))
        cohort_seconds = time.perf_counter() - t
    finally:
        servers.down(settings, echo=lambda m: None)
        shutil.rmtree(data_dir, ignore_errors=True)

    cloned = [r for r in rows if r["status"] in ("cloned", "reused")]
    cpu = cpu_kind()
    by_cpu = {}
    if results_file.exists():
        by_cpu = json.loads(results_file.read_text()).get("by_cpu", {})
    by_cpu[cpu["key"]] = {"date": time.strftime("%Y-%m-%d", time.gmtime()), "cpu_bf16": os.environ.get("AIVO_CPU_BF16", "off"),
                          "one_clone_gain": round(one["eval"]["adapter_eval_loss"] / one["eval"]["base_eval_loss"], 4),
                          **_gains(cloned)}
    return {
        "model": "smollm2-135m-instruct", "params": base.num_parameters, "base_load_seconds": round(base_load, 1),
        "cpu": cpu,
        "one_clone": {"student": one["student_id"], "seconds_end_to_end": round(one_seconds, 1),
                      "stages_seconds": {k: round(v, 1) for k, v in one["timings"].items()},
                      "adapter_bytes": one["adapter_bytes"], "base_eval_loss": one["eval"]["base_eval_loss"],
                      "adapter_eval_loss": one["eval"]["adapter_eval_loss"], "gate_passed": one["eval"]["gate_passed"],
                      "aliases": one["aliases"]},
        "cohort": {"students": len(rows), "cloned": len(cloned), "seconds": round(cohort_seconds, 1),
                   "seconds_per_student": round(cohort_seconds / max(1, len(rows)), 1), "rows": rows},
        "adapter_bytes_max": max(r["adapter_bytes"] for r in cloned),
        "students_with_adapter_below_base": sum(r["adapter_eval_loss"] < r["base_eval_loss"] for r in cloned),
        "by_cpu": by_cpu,
        "targets": {"one_clone_seconds": 60, "cohort_10_seconds": 360, "adapter_bytes": 1_000_000},
        "reference_document": {"clone_seconds_gpu": "40-50", "adapter_bytes": 50_000_000},
    }


def markdown(result: dict) -> str:
    one, co = result["one_clone"], result["cohort"]
    lines = [
        "# Clone benchmark (embedded SmolLM2-135M-Instruct, CPU)", "",
        f"Machine: {result['cpu']['key']}, {os.cpu_count()} cores. Command: `python -m benchmarks.run clone`.", "",
        "| measure | ours | target | reference document |", "|---|---|---|---|",
        f"| one clone, base loaded (targets+train+eval+register) | {one['seconds_end_to_end']} s | <= 60 s | 40-50 s on a GPU |",
        f"| cohort of 10 | {co['seconds']} s ({co['seconds_per_student']} s/student) | <= 360 s | - |",
        f"| adapter size (largest) | {result['adapter_bytes_max'] / 1e6:.2f} MB | <= 1 MB | ~50 MB |",
        f"| students with adapter eval loss < base | {result['students_with_adapter_below_base']}/{co['cloned']} | all | - |",
        "", f"One clone stages (s): {one['stages_seconds']}", "",
        "Gain (adapter / base eval loss; gate <= 0.95) per CPU kind, each the latest run on that kind:", "",
        "| CPU kind | date | AIVO_CPU_BF16 | one clone | cohort mean | cohort max | gates passed |", "|---|---|---|---|---|---|---|",
    ]
    for key, g in sorted(result["by_cpu"].items()):
        lines.append(f"| {key} | {g['date']} | {g['cpu_bf16']} | {g['one_clone_gain']} | {g['gain_mean']} | "
                     f"{g['gain_max']} | {g['gates_passed']}/{g['students']} |")
    lines += ["", "| student | status | version | alias | base eval loss | adapter eval loss | gain | gate | s |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in co["rows"]:
        base, adapter = r.get("base_eval_loss", float("nan")), r.get("adapter_eval_loss", float("nan"))
        lines.append(f"| {r.get('student_id')} | {r['status']} | {r.get('version', '-')} | {r.get('alias', '-')} | "
                     f"{base:.4f} | {adapter:.4f} | {adapter / base if base else float('nan'):.3f} | "
                     f"{r.get('gate', '-')} | {r.get('seconds', '-')} |")
    return "\n".join(lines) + "\n"
