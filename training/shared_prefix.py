"""Shared-prefix batching: run the student's system prompt once per batch, not once per row.

Every row of a clone's batch starts with the same tokens (the student's system
prompt, about 200 of a row's 300 tokens with SmolLM2). Both functions here run
that common prefix once at batch size 1, fan its KV cache out to the batch
(``DynamicCache.batch_repeat_interleave``, differentiable, so LoRA gradients
flow through the prefix as they would through a full forward) and run only
the per-row suffixes. The result equals a plain full-sequence forward up to
float rounding. On 2 CPU cores with SmolLM2-135M, 3 epochs over 18 examples
take 22-27 s instead of 77 s with a plain forward; distillation and eval
save the same share of their prompt processing.

- ``greedy_generate``: batched greedy decoding of token prompts (the suffixes
  left-padded, positions from the attention mask), no sampling, stops at EOS;
  a row that reached EOS leaves the batch (its KV cache rows are dropped), so
  the remaining steps only compute the rows still answering.
- ``summed_nll``: summed cross-entropy over labelled tokens (labels -100 are
  ignored), computing the output head only where there is a label.

Models: a Hugging Face causal LM or a PeftModel around one (the LoRA layers
sit inside the base model, so calling the base runs the adapter unless
``disable_adapter()`` is active).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from transformers import DynamicCache


def common_prefix_len(seqs: list[list[int]]) -> int:
    """Length of the longest token prefix that every sequence shares."""
    if not seqs:
        return 0
    n = min(len(s) for s in seqs)
    first = seqs[0]
    for i in range(n):
        token = first[i]
        if any(s[i] != token for s in seqs):
            return i
    return n


def _base(model: torch.nn.Module) -> torch.nn.Module:
    return model.get_base_model() if hasattr(model, "get_base_model") else model


def _prefix_cache(base: torch.nn.Module, prefix: list[int], rows: int, device: torch.device) -> DynamicCache:
    """KV cache of ``prefix`` for ``rows`` rows (one forward at batch size 1)."""
    cache = DynamicCache(config=base.config)
    if prefix:
        ids = torch.tensor([prefix], device=device)
        base.get_decoder()(input_ids=ids, past_key_values=cache, use_cache=True)
        cache.batch_repeat_interleave(rows)
    return cache


@torch.inference_mode()
def greedy_generate(
    model: torch.nn.Module,
    prompts: list[list[int]],
    max_new_tokens: int,
    eos_token_id: int,
    pad_token_id: int,
    device: torch.device,
) -> list[tuple[list[int], bool]]:
    """Greedy continuation of each prompt: (new token ids without EOS, whether EOS was reached)."""
    base = _base(model)
    rows = len(prompts)
    # Every row keeps at least its last prompt token in the suffix: that forward gives its first logits.
    p = min(common_prefix_len(prompts), min(len(x) for x in prompts) - 1)
    cache = _prefix_cache(base, prompts[0][:p], rows, device)
    width = max(len(x) - p for x in prompts)
    ids = torch.full((rows, width), pad_token_id, dtype=torch.long)
    mask = torch.zeros((rows, p + width), dtype=torch.long)
    mask[:, :p] = 1
    for r, x in enumerate(prompts):  # left-pad the suffixes
        suffix = x[p:]
        ids[r, width - len(suffix) :] = torch.tensor(suffix)
        mask[r, p + width - len(suffix) :] = 1
    ids, mask = ids.to(device), mask.to(device)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    out = base(input_ids=ids, attention_mask=mask, position_ids=positions[:, p:],
               past_key_values=cache, use_cache=True, logits_to_keep=1)
    last = positions[:, -1:]
    new = [[] for _ in range(rows)]
    finished = [False] * rows
    alive = list(range(rows))  # original row of each batch row still generating
    for step in range(max_new_tokens):
        token = out.logits[:, -1].argmax(-1)
        keep = []
        for i, r in enumerate(alive):
            t = int(token[i])
            if t == eos_token_id:
                finished[r] = True
            else:
                new[r].append(t)
                keep.append(i)
        if not keep or step == max_new_tokens - 1:
            break
        if len(keep) < len(alive):  # a row that ended leaves the batch: later steps skip its compute
            index = torch.tensor(keep, device=device)
            cache.batch_select_indices(index)
            mask, last, token = mask.index_select(0, index), last.index_select(0, index), token.index_select(0, index)
            alive = [alive[i] for i in keep]
        mask = torch.cat([mask, torch.ones((len(alive), 1), dtype=mask.dtype, device=device)], dim=1)
        last = last + 1
        out = base(input_ids=token[:, None], attention_mask=mask, position_ids=last,
                   past_key_values=cache, use_cache=True)
    return [(tokens, d) for tokens, d in zip(new, finished)]


def summed_nll(
    model: torch.nn.Module,
    rows: list[tuple[list[int], list[int]]],
    pad_token_id: int,
    device: torch.device,
) -> tuple[torch.Tensor, int]:
    """(sum of token cross-entropies, number of labelled tokens) of a batch of (input_ids, labels).

    ``labels[t]`` is the target for token t (as in Hugging Face), -100 where
    there is none; runs with gradients unless the caller disables them.
    """
    base = _base(model)
    seqs = [ids for ids, _ in rows]
    first_label = min(next((t for t, y in enumerate(labels) if y != -100), len(labels)) for _, labels in rows)
    # Prefix positions predict tokens 1..p, which must all be unlabelled.
    p = max(0, min(common_prefix_len(seqs), first_label - 1))
    cache = _prefix_cache(base, seqs[0][:p], len(rows), device)
    width = max(len(x) - p for x in seqs)
    ids = torch.full((len(rows), width), pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(rows), p + width), dtype=torch.long)
    mask[:, :p] = 1
    targets = torch.full((len(rows), width), -100, dtype=torch.long)
    for r, (x, labels) in enumerate(rows):  # right-pad the suffixes
        n = len(x) - p
        ids[r, :n] = torch.tensor(x[p:])
        mask[r, p : p + n] = 1
        targets[r, : n - 1] = torch.tensor(labels[p + 1 :])  # suffix position j predicts token p + j + 1
    ids, mask, targets = ids.to(device), mask.to(device), targets.to(device)
    hidden = base.get_decoder()(input_ids=ids, attention_mask=mask, past_key_values=cache,
                                use_cache=True).last_hidden_state
    keep = targets != -100
    logits = base.get_output_embeddings()(hidden[keep]).float()
    return F.cross_entropy(logits, targets[keep], reduction="sum"), int(keep.sum())
