"""The vLLM worker: vLLM's async engine, driven over a pipe by serving/vllm_engine.py.

Runs in vLLM's own Python (``AIVO_VLLM_PYTHON``, by default ``.venv/vllm/bin/python``: vLLM pins
transformers and fastapi below ours), so it imports nothing but the standard library and vLLM. Started
by ``VllmEngine.start`` as ``python -I serving/vllm_worker.py '<json options>'``; one JSON object per line
each way (the protocol below); everything vLLM prints goes to stderr.

In (stdin):
  {"op": "submit", "id": str, "prompt_ids": [int], "params": {SamplingParams fields}, "lora": null |
   {"name": "student-<id>@<version>", "id": int, "path": str}}
  {"op": "cancel", "id": str}            abort a request (the client went away)
  {"op": "unload", "lora_id": int}       remove an adapter (forget-student, an alias moved)
  {"op": "stop"}
Out (stdout):
  {"event": "ready", "vllm": version, "max_model_len": int} once loaded, or {"event": "failed", "error"}
  {"event": "started", "id"}             the request's first output (it has a place in the batch)
  {"event": "text", "id", "text"}        new text of a request
  {"event": "end", "id", "finish_reason": "stop" | "length" | "cancelled" | "error", "prompt_tokens",
   "completion_tokens", "text", "token_ids"?, "error"?}   exactly once per submitted request
  {"event": "unloaded", "lora_id", "ok"}
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading

_FINISH = {"stop": "stop", "length": "length", "abort": "cancelled"}


class Worker:
    def __init__(self, options: dict, out):
        self.options = options
        self.out = out
        self.engine = None
        self.tasks: dict[str, asyncio.Task] = {}

    def send(self, event: dict) -> None:
        self.out.write(json.dumps(event) + "\n")
        self.out.flush()

    def load(self) -> None:
        from vllm.engine.arg_utils import AsyncEngineArgs
        from vllm.v1.engine.async_llm import AsyncLLM

        o = self.options
        kwargs = dict(model=o["model"], tokenizer=o.get("tokenizer") or o["model"], dtype=o.get("dtype", "auto"),
                      max_model_len=o.get("max_model_len"), enable_lora=True, max_loras=o["max_loras"],
                      max_cpu_loras=o["max_cpu_loras"], max_lora_rank=o["max_lora_rank"],
                      enable_prefix_caching=o.get("prefix_caching", True), seed=0,
                      max_num_seqs=o.get("max_num_seqs", 64))
        if o.get("device") == "cuda":
            kwargs["gpu_memory_utilization"] = o.get("gpu_memory_utilization", 0.85)
        self.engine = AsyncLLM.from_engine_args(AsyncEngineArgs(**kwargs))

    async def generate(self, msg: dict) -> None:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt
        from vllm.lora.request import LoRARequest
        from vllm.sampling_params import RequestOutputKind

        rid, text, prompt_tokens, completion_tokens = msg["id"], "", len(msg["prompt_ids"]), 0
        token_ids: list[int] = []
        try:
            params = SamplingParams(**msg["params"], output_kind=RequestOutputKind.DELTA, skip_special_tokens=True)
            lora = msg.get("lora")
            lora_request = LoRARequest(lora["name"], lora["id"], lora["path"]) if lora else None
            finish, started = None, False
            async for out in self.engine.generate(TokensPrompt(prompt_token_ids=msg["prompt_ids"]), params,
                                                  rid, lora_request=lora_request):
                piece = out.outputs[0]
                if not started:  # scheduled: the endpoint's wait is over
                    started = True
                    self.send({"event": "started", "id": rid})
                completion_tokens += len(piece.token_ids)
                token_ids += piece.token_ids
                if piece.text:
                    text += piece.text
                    self.send({"event": "text", "id": rid, "text": piece.text})
                if out.finished:
                    finish = _FINISH.get(piece.finish_reason or "stop", "stop")
            self.send({"event": "end", "id": rid, "finish_reason": finish or "cancelled", "text": text,
                       "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "token_ids": token_ids})
        except asyncio.CancelledError:
            self.send({"event": "end", "id": rid, "finish_reason": "cancelled", "text": text,
                       "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens})
        except Exception as exc:  # noqa: BLE001 - this request ends with an error; the others go on
            self.send({"event": "end", "id": rid, "finish_reason": "error", "text": text,
                       "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                       "error": f"{type(exc).__name__}: {exc}"})
        finally:
            self.tasks.pop(rid, None)

    async def handle(self, msg: dict) -> bool:
        op = msg.get("op")
        if op == "submit":
            self.tasks[msg["id"]] = asyncio.ensure_future(self.generate(msg))
        elif op == "cancel":
            if msg["id"] in self.tasks:
                await self.engine.abort(msg["id"])
        elif op == "unload":
            try:
                ok = bool(await self.engine.remove_lora(int(msg["lora_id"])))
            except Exception:  # noqa: BLE001 - not loaded (never used, or evicted already)
                ok = False
            self.send({"event": "unloaded", "lora_id": msg["lora_id"], "ok": ok})
        elif op == "stop":
            return False
        return True

    async def main(self) -> int:
        try:
            self.load()  # in the running loop: vLLM's output handler starts in it
            import vllm

            self.send({"event": "ready", "vllm": vllm.__version__,
                       "max_model_len": self.engine.model_config.max_model_len})
        except Exception as exc:  # noqa: BLE001 - reported to the endpoint, which says why on /health
            self.send({"event": "failed", "error": f"{type(exc).__name__}: {exc}"})
            return 1
        await self.run()
        return 0

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue = asyncio.Queue()

        def read() -> None:  # stdin in a thread; EOF (the endpoint went away) stops the worker
            for line in sys.stdin:
                loop.call_soon_threadsafe(inbox.put_nowait, line)
            loop.call_soon_threadsafe(inbox.put_nowait, None)

        threading.Thread(target=read, daemon=True).start()
        while True:
            line = await inbox.get()
            if line is None:
                break
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not await self.handle(msg):
                break
        tasks = list(self.tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # each sends its end event
        self.engine.shutdown()


def main() -> int:
    out = os.fdopen(os.dup(1), "w", buffering=1)  # the protocol's stdout; vLLM's prints go to stderr
    os.dup2(2, 1)
    return asyncio.run(Worker(json.loads(sys.argv[1]), out).main())


if __name__ == "__main__":
    sys.exit(main())
