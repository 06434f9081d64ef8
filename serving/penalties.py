"""Repetition penalties of one row: OpenAI's frequency and presence penalties, HF/CTRL's repetition penalty.

    seen = Seen.of(request)              # None when the request sets no penalty (the row's logits untouched)
    seen.apply(logits_of_the_row)        # in place, before the row's token is chosen (greedy or sampled)
    seen.add(token)                      # after it is chosen

The three, in the order vLLM applies them:

- ``repetition_penalty`` p in (0, 2] (1 = off): for every token in the prompt or generated so far, a
  logit x > 0 becomes x / p, else x * p (Keskar et al. 2019, as Hugging Face's
  ``RepetitionPenaltyLogitsProcessor`` does). p > 1 discourages repeating, p < 1 encourages it.
- ``frequency_penalty`` f and ``presence_penalty`` r in [-2, 2] (0 = off), over the tokens GENERATED
  so far (not the prompt), as OpenAI defines them: x[t] -= f * count[t] + r * (count[t] > 0).

Each row keeps its own counts: a row's penalties read only its own prompt and tokens. The work per
step is proportional to the distinct tokens the row has seen (index ops on those columns), not to the
vocabulary, so a penalised row costs microseconds next to a decode step (docs/serving.md). Penalties
run on the logits whichever decode step made them (the native step, serving/fastdecode.py, returns the
full logits and the choice is made here in Python), so both steps choose alike. The ranges are checked
by ``serving.sampling.check_request`` (ValueError naming the field).
"""

from __future__ import annotations

import torch

FMAX = float(torch.finfo(torch.float32).max)  # x / p for a tiny p stays finite (the row is not 'non-finite')


def active(request) -> bool:
    """Does ``request`` (an EngineRequest) set any penalty?"""
    return (request.repetition_penalty != 1.0 or request.frequency_penalty != 0.0
            or request.presence_penalty != 0.0)


class Seen:
    """The tokens one row has seen: the set of prompt + generated ids, and the counts of generated ones."""

    def __init__(self, prompt_ids: list[int], frequency: float, presence: float, repetition: float):
        self.frequency, self.presence, self.repetition = float(frequency), float(presence), float(repetition)
        self._seen = set(prompt_ids)
        self._seen_ids = torch.tensor(sorted(self._seen), dtype=torch.long)
        self._where: dict[int, int] = {}  # generated token -> its place in _gen_ids / _counts
        self._gen_ids = torch.empty(0, dtype=torch.long)
        self._counts = torch.empty(0, dtype=torch.float32)
        self._device: torch.device | None = None

    @classmethod
    def of(cls, request) -> "Seen | None":
        """The row's penalty state, or None when the request sets none (nothing to do per step)."""
        if not active(request):
            return None
        return cls(request.prompt_ids, request.frequency_penalty, request.presence_penalty,
                   request.repetition_penalty)

    def add(self, token: int) -> None:
        """Count a token the row generated."""
        place = self._where.get(token)
        if place is None:
            self._where[token] = len(self._where)
            self._gen_ids = torch.cat([self._gen_ids, torch.tensor([token], dtype=torch.long)])
            self._counts = torch.cat([self._counts, torch.ones(1)])
            if token not in self._seen:
                self._seen.add(token)
                self._seen_ids = torch.cat([self._seen_ids, torch.tensor([token], dtype=torch.long)])
        else:
            self._counts[place] += 1

    def _on(self, device: torch.device) -> None:
        if self._device != device:  # a GPU engine: keep the index tensors where the logits are
            self._seen_ids, self._gen_ids, self._counts = (t.to(device) for t in
                                                           (self._seen_ids, self._gen_ids, self._counts))
            self._device = device

    def apply(self, logits: torch.Tensor) -> torch.Tensor:
        """Penalise one row's logits (vocab,) in place and return them."""
        self._on(logits.device)
        if self.repetition != 1.0 and self._seen_ids.numel():
            x = logits.index_select(0, self._seen_ids)
            x = torch.where(x > 0, x / self.repetition, x * self.repetition).clamp(-FMAX, FMAX)
            logits.index_copy_(0, self._seen_ids, x.to(logits.dtype))
        if (self.frequency or self.presence) and self._gen_ids.numel():
            cut = self._counts * self.frequency + self.presence
            logits.index_copy_(0, self._gen_ids,
                               (logits.index_select(0, self._gen_ids) - cut.to(logits.dtype)).clamp(-FMAX, FMAX))
        return logits

