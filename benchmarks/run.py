"""Benchmarks of AIVO Brain on this machine, written to benchmarks/results/.

clone: with the embedded SmolLM2-135M-Instruct and real S3 / MLflow / Prefect
servers started for the run (loopback, temporary data dir):
- one clone of a sample student (targets + train + eval + register), base already loaded;
- a cohort of 10 students (the 7 samples + 3 more ids), base loaded once;
- adapter size, and adapter vs base eval loss (the gain) for every student, kept per CPU kind
  (benchmarks/clone.py).

serving: the batching engine with many students' adapters (benchmarks/serving.py).

admission: 8, 32 and 64 concurrent clients against one replica's admission control (benchmarks/admission.py).

engines: our native engine, vLLM's CPU build and llama.cpp side by side on the same workload (benchmarks/engines.py).

ttft: time to first token for a first request and a returning student's next turn, with and without the prompt
KV cache, and a running stream's pace while a long prompt joins (benchmarks/ttft.py).

precision: what reading the weights at bf16 or int8 in the native decode step costs in quality: eval loss on the
curriculum set, and the tutoring benchmark's detector rates per precision (benchmarks/precision.py).

Run as: ``make bench`` (all) or ``python -m benchmarks.run clone`` / ``serving`` / ``admission`` / ``engines`` /
``ttft`` / ``precision``.
"""

from __future__ import annotations

import json
import os
import sys
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
    from benchmarks.clone import bench_clone as run

    return run(_bench_settings, SAMPLES, RESULTS / "clone.json")


def bench_serving() -> dict:
    from benchmarks.serving import bench_serving as run

    return run(_bench_settings)


def bench_admission() -> dict:
    from benchmarks.admission import bench_admission as run

    return run(_bench_settings)


def bench_engines() -> dict:
    import tempfile

    import torch

    from benchmarks.engines import compare
    from brain.models import load_base_model

    settings = _bench_settings(Path(tempfile.mkdtemp(prefix="aivo-bench-engines-")))
    torch.set_grad_enabled(False)
    torch.set_num_threads(settings.cpu_threads())
    return compare(load_base_model(settings), settings)


def bench_ttft() -> dict:
    import tempfile

    import torch

    from benchmarks.ttft import bench, pace
    from brain.models import load_base_model

    settings = _bench_settings(Path(tempfile.mkdtemp(prefix="aivo-bench-ttft-")))
    torch.set_grad_enabled(False)
    torch.set_num_threads(settings.cpu_threads())
    base = load_base_model(settings)
    return {**bench(base), "pace": pace(base)}


def bench_precision() -> dict:
    import tempfile

    import torch

    from benchmarks.precision import bench
    from brain.models import load_base_model

    settings = _bench_settings(Path(tempfile.mkdtemp(prefix="aivo-bench-precision-")))
    torch.set_grad_enabled(False)
    torch.set_num_threads(settings.cpu_threads())
    return bench(load_base_model(settings))


def _markdown(name: str, result: dict) -> str:
    if name == "precision":
        from benchmarks.precision import markdown

        return markdown(result)
    if name == "ttft":
        from benchmarks.ttft import markdown

        return markdown(result)
    if name == "engines":
        from benchmarks.engines import markdown

        return markdown(result)
    if name == "admission":
        from benchmarks.admission import markdown

        return markdown(result)
    if name == "serving":
        from benchmarks.serving import markdown

        return markdown(result)
    if name == "clone":
        from benchmarks.clone import markdown

        return markdown(result)
    return "```json\n" + json.dumps(result, indent=2) + "\n```\n"


BENCHES = {"clone": bench_clone, "serving": bench_serving, "admission": bench_admission, "engines": bench_engines,
           "ttft": bench_ttft, "precision": bench_precision}


def main(names: list[str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in names or list(BENCHES):
        result = {"bench": name, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **BENCHES[name]()}
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
        (RESULTS / f"{name}.md").write_text(_markdown(name, result))
        print(_markdown(name, result))


if __name__ == "__main__":
    main(sys.argv[1:])
