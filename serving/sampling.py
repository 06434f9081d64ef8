"""The per-request parameters the engine can execute, and the choice of each row's next token.

``check_request`` is the engine's own gate (``Engine.submit`` raises ValueError naming the field): the
HTTP schemas (brain/schemas.py ``GenerationRequest``, serving/app.py ``ChatCompletionRequest``) accept
the same ranges or narrower ones, so a request that passes the edge never fails here.

``sample`` never fails on a valid request:

- temperature: the logits are shifted by their maximum and scaled in float64, so any positive
  temperature down to the smallest float (5e-324) gives a distribution (a tiny one: the argmax);
- top_p: the nucleus always keeps the most likely token, so a top_p smaller than its probability
  (``1e-300``) samples the argmax instead of an empty distribution;
- logits that are not finite (NaN/inf: an adapter or an input that overflowed) raise
  ``NonFiniteLogits``, which ends that row alone (serving/engine.py).

A row's repetition penalties (serving/penalties.py) change its logits before either choice, greedy
or sampled.
"""

from __future__ import annotations

import math
import numbers

import torch

SEED_MAX = 2**64 - 1  # torch.Generator.manual_seed takes 0..2**64-1 (an unsigned 64-bit int)


class NonFiniteLogits(ValueError):
    """A row's logits hold NaN or inf: it cannot be sampled (its answer would be garbage)."""


def _real(name: str, value, low: float, high: float, low_open: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if value < low or (low_open and value == low) or value > high:
        raise ValueError(f"{name} must be in {'(' if low_open else '['}{low}, {high}], got {value}")


def _int(name: str, value, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], got {value}")


def check_request(request, vocab_size: int, max_context: int) -> None:
    """Raise ValueError naming the field when the engine cannot run ``request`` (an EngineRequest)."""
    ids = request.prompt_ids
    if not ids:
        raise ValueError("prompt_ids: empty prompt")
    if any(isinstance(i, bool) or not isinstance(i, numbers.Integral) for i in ids):
        raise ValueError("prompt_ids: token ids must be integers")
    if min(ids) < 0 or max(ids) >= vocab_size:
        raise ValueError(f"prompt_ids: token ids must be in [0, {vocab_size - 1}]")
    _int("max_tokens", request.max_tokens, 1, max_context)
    if len(ids) + request.max_tokens > max_context:
        raise ValueError(f"prompt of {len(ids)} tokens + max_tokens {request.max_tokens} is "
                         f"over the context of {max_context} tokens")
    _real("temperature", request.temperature, 0.0, math.inf)
    _real("top_p", request.top_p, 0.0, 1.0, low_open=True)
    if request.seed is not None:
        _int("seed", request.seed, 0, SEED_MAX)
    _real("frequency_penalty", request.frequency_penalty, -2.0, 2.0)
    _real("presence_penalty", request.presence_penalty, -2.0, 2.0)
    _real("repetition_penalty", request.repetition_penalty, 0.0, 2.0, low_open=True)


def make_generator(seed: int | None, device: torch.device) -> torch.Generator | None:
    """The row's own random generator (None: the global one), seeded with a checked 64-bit seed."""
    if seed is None:
        return None
    _int("seed", seed, 0, SEED_MAX)
    return torch.Generator(device=device).manual_seed(seed)


def sample(logits: torch.Tensor, temperature: float, top_p: float, generator: torch.Generator | None) -> int:
    """The next token from one row's logits (vocab,): argmax at temperature 0, else nucleus sampling."""
    if not bool(torch.isfinite(logits).all()):
        raise NonFiniteLogits("the model's logits for this request are not finite (NaN or inf)")
    if temperature <= 0:
        return int(logits.argmax())
    x = logits.double()
    probs = torch.softmax((x - x.max()) / temperature, -1)  # 0 for the max: never 0/0, never inf - inf
    if top_p < 1.0:
        sorted_p, order = probs.sort(descending=True)
        keep = sorted_p.cumsum(-1) - sorted_p < top_p
        keep[0] = True  # the nucleus always holds the most likely token
        probs = torch.zeros_like(probs).scatter(0, order[keep], sorted_p[keep])
    return int(torch.multinomial(probs, 1, generator=generator)[0])
