"""What a request to the engine is, how it ends, and the stream of its events.

``EngineRequest`` carries the per-request parameters (checked by ``serving.sampling.check_request``
when submitted); a ``Stream`` delivers ``("start", Choice)``, ``("text", str)``... and exactly one
``("end", Finished)``, to a thread or to an asyncio loop.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from dataclasses import dataclass

from serving.adapters import Choice


@dataclass
class EngineRequest:
    prompt_ids: list[int]
    max_tokens: int
    temperature: float = 0.0
    top_p: float = 0.95
    seed: int | None = None
    # Repetition controls (serving/penalties.py), off by default here; the HTTP routes fill
    # repetition_penalty from settings.default_repetition_penalty when a request leaves it out.
    frequency_penalty: float = 0.0  # OpenAI: -= f * count of each generated token, in [-2, 2]
    presence_penalty: float = 0.0  # OpenAI: -= r once a token was generated, in [-2, 2]
    repetition_penalty: float = 1.0  # HF/CTRL: prompt + generated tokens' logits / p (x > 0) or * p, (0, 2]
    student_id: str | None = None  # whose adapter; None = the base model
    use_adapter: bool = True  # False: the base model even when the student has an adapter
    ignore_eos: bool = False  # benchmarks: always generate max_tokens


@dataclass
class Finished:
    finish_reason: str  # "stop" | "length" | "cancelled" | "error"
    prompt_tokens: int
    completion_tokens: int
    text: str
    ttft_s: float | None
    seconds: float
    error: str | None = None


class Stream:
    """The events of one request: ("start", Choice), ("text", str)..., then ("end", Finished).

    Readable from a thread (``events()``, ``result()``) or from asyncio (``aevents()``)
    when made with ``loop``.
    """

    def __init__(self, request: EngineRequest, loop: asyncio.AbstractEventLoop | None = None):
        self.request = request
        self.loop = loop
        self._q: queue.Queue | asyncio.Queue = asyncio.Queue() if loop is not None else queue.Queue()
        self.cancelled = threading.Event()
        self.submitted = time.perf_counter()
        self.choice: Choice | None = None
        self.ended = False  # set (by the engine, under its lock) when the end event was sent

    def cancel(self) -> None:
        """Stop generating for this request (the client went away); its row leaves the batch next step."""
        self.cancelled.set()

    def put(self, event: tuple) -> None:
        """Deliver an event (called by the engine's threads)."""
        if self.loop is not None:
            try:
                self.loop.call_soon_threadsafe(self._q.put_nowait, event)
            except RuntimeError:  # the loop is closed: nobody is listening
                self.cancelled.set()
        else:
            self._q.put(event)

    def events(self, timeout: float | None = None):
        while True:
            event = self._q.get(timeout=timeout)
            yield event
            if event[0] == "end":
                return

    async def aevents(self):
        while True:
            event = await self._q.get()
            yield event
            if event[0] == "end":
                return

    def result(self, timeout: float | None = None) -> tuple[Choice | None, Finished]:
        choice = None
        for kind, value in self.events(timeout):
            if kind == "start":
                choice = value
            elif kind == "end":
                return choice, value
        raise RuntimeError("stream ended without a result")  # pragma: no cover


def hand_to_loader(stream: Stream, closed: bool, loader, prepare, end, failed) -> Stream:
    """A submitted stream to an engine's loader threads (``loader.submit(prepare, stream)``), or ended at
    once (``end(stream, failed(stream, why))``) when the engine is closed or its loader shut down."""
    if closed:
        end(stream, failed(stream, "the engine is not running"))
        return stream
    try:
        loader.submit(prepare, stream)
    except RuntimeError as exc:  # the loader pool was shut down (engine stopped)
        end(stream, failed(stream, f"the engine is not running ({exc})"))
    return stream
