"""The model's verdict as a constrained choice: log-probabilities of a fixed label set after a prompt.

    scorer = LabelScorer(service.brain.model, service.brain.tokenizer)
    scorer.score(messages, [" correct", " incorrect"], prefix="Verdict:")
    # {" correct": -0.41, " incorrect": -1.09}: summed log-probs of each label's tokens

A generated verdict can be anything ("Plants are green and nice."); a label's score always exists,
so the choice is always readable. One no-grad forward pass (a batch of prompt + label, right-padded;
one row when every label is a single token), never generation, and never the engine:

- it runs on a *base view* of the model: a copy of the module tree that shares every weight tensor
  (no memory) with the engine's label-free layers, the engine's gathered-LoRA wrappers
  (serving/lora_bank.py) swapped back for their base Linear layers. The wrappers read the batch's row
  slots, which the engine's thread sets; a forward through them from another thread could pick up a
  student's adapter or a shape from another batch. The view cannot: grading is the brain's, not a clone's.
- a lock: one scoring at a time on a scorer (callers run it in a worker thread, ``asyncio.to_thread``).
- bounded: prompts longer than ``max_prompt_tokens`` raise ``PromptTooLong`` (the caller falls back),
  labels are a few tokens.
"""

from __future__ import annotations

import copy
import threading

import torch
from torch import nn

from brain.prompts import chat_ids


class PromptTooLong(ValueError):
    """The grader prompt is over the scorer's token budget."""


def base_view(model: nn.Module) -> nn.Module:
    """The model's module tree with shared weights and no per-row LoRA wrappers (modules that hold a
    ``base`` Linear and a ``rows`` slot table, as serving/lora_bank.py's GatheredLoRALinear)."""
    memo: dict[int, object] = {id(t): t for t in model.parameters()}
    memo.update({id(t): t for t in model.buffers()})
    for module in model.modules():
        # plain tensor attributes are shared too: serving/kernels.py PackedLinear's oneDNN-packed weight
        # is an opaque tensor that cannot be copied (deepcopy raised, and every open answer fell to overlap)
        memo.update({id(v): v for v in vars(module).values() if isinstance(v, torch.Tensor)})
        if isinstance(getattr(module, "base", None), nn.Linear) and hasattr(module, "rows"):
            memo[id(module)] = module.base  # the copy points at the shared base layer, not the wrapper
    view = copy.deepcopy(model, memo)
    view.eval()
    return view


class LabelScorer:
    """Summed log-probs of labels after a chat prompt, on a base view of ``model``; thread-safe."""

    def __init__(self, model: nn.Module, tokenizer, max_prompt_tokens: int = 768):
        self.tokenizer = tokenizer
        self.max_prompt_tokens = max_prompt_tokens
        self._source = model
        self._view: nn.Module | None = None
        self._lock = threading.Lock()
        self.calls = 0

    def prompt_ids(self, messages: list[dict[str, str]], prefix: str = "") -> list[int]:
        ids = chat_ids(self.tokenizer, messages)
        if prefix:
            ids = list(ids) + self.tokenizer.encode(prefix, add_special_tokens=False)
        return list(ids)

    @torch.no_grad()
    def score(self, messages: list[dict[str, str]], labels: list[str], prefix: str = "") -> dict[str, float]:
        """{label: summed log-prob of its tokens} after the prompt (+ ``prefix`` as the reply's start)."""
        prompt = self.prompt_ids(messages, prefix)
        if len(prompt) > self.max_prompt_tokens:
            raise PromptTooLong(f"grader prompt of {len(prompt)} tokens is over {self.max_prompt_tokens}")
        label_ids = [self.tokenizer.encode(label, add_special_tokens=False) for label in labels]
        if not labels or any(not ids for ids in label_ids):
            raise ValueError("every label needs at least one token")
        with self._lock:
            if self._view is None:
                self._view = base_view(self._source)
            model = self._view
            device = next(model.parameters()).device
            self.calls += 1
            if all(len(ids) == 1 for ids in label_ids):  # one row, the next token's distribution
                out = model(input_ids=torch.tensor([prompt], device=device), logits_to_keep=1)
                logp = torch.log_softmax(out.logits[0, -1].float(), dim=-1)
                return {label: float(logp[ids[0]]) for label, ids in zip(labels, label_ids)}
            longest = max(len(ids) for ids in label_ids)
            width = len(prompt) + longest
            pad = self.tokenizer.pad_token_id or 0
            ids = torch.full((len(labels), width), pad, dtype=torch.long)
            mask = torch.zeros((len(labels), width), dtype=torch.long)
            for row, tail in enumerate(label_ids):
                seq = prompt + tail
                ids[row, : len(seq)] = torch.tensor(seq)
                mask[row, : len(seq)] = 1
            # the logits of the last longest+1 positions: the one before each label token, every row
            out = model(input_ids=ids.to(device), attention_mask=mask.to(device), logits_to_keep=longest + 1)
            logp = torch.log_softmax(out.logits.float(), dim=-1)  # (rows, longest+1, vocab)
            start = width - (longest + 1)  # the position of logp[:, 0]
            scores = {}
            for row, (label, tail) in enumerate(zip(labels, label_ids)):
                at = len(prompt) - 1 - start
                scores[label] = float(sum(logp[row, at + j, tok] for j, tok in enumerate(tail)))
            return scores
