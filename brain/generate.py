"""Text generation with a loaded base model: chat messages in, text and token counts out."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from brain.models import LoadedModel
from brain.prompts import chat_ids


@dataclass
class Generation:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str  # "stop" (the model ended) or "length" (max_new_tokens reached)


@torch.inference_mode()
def generate(
    loaded: LoadedModel,
    messages: list[dict[str, str]],
    max_new_tokens: int = 256,
    temperature: float = 0.7,
    seed: int | None = None,
) -> Generation:
    """Generate the assistant's answer. temperature 0 = greedy (deterministic)."""
    input_ids = torch.tensor([chat_ids(loaded.tokenizer, messages)], device=loaded.device)
    tok = loaded.tokenizer
    kwargs: dict = {"max_new_tokens": max_new_tokens, "pad_token_id": tok.pad_token_id}
    if temperature > 0:
        kwargs.update(do_sample=True, temperature=temperature, top_p=0.95)
        if seed is not None:
            torch.manual_seed(seed)
    else:
        kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
    out = loaded.model.generate(input_ids, attention_mask=torch.ones_like(input_ids), **kwargs)
    new = out[0, input_ids.shape[1]:]
    eos = tok.eos_token_id
    finished = bool(len(new)) and int(new[-1]) == eos
    text = tok.decode(new, skip_special_tokens=True).strip()
    return Generation(
        text=text,
        prompt_tokens=int(input_ids.shape[1]),
        completion_tokens=int(len(new)),
        finish_reason="stop" if finished or len(new) < max_new_tokens else "length",
    )
