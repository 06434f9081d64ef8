"""LoRA training of one student's clone on a shared, loaded base model (PEFT, plain torch loop).

``train_adapter`` injects LoRA layers into the base model in place (PEFT's
``get_peft_model``), trains them on the distilled conversations with the loss
on assistant tokens only, and returns a ``TrainedAdapter`` holding the live
PeftModel. A cohort shares one base model, so every clone must end with
``release(trained)``: it removes the LoRA layers without merging
(``unload()``) and restores the base's ``requires_grad`` flags, after which
the base gives bit-identical outputs to before. ``save_adapter`` works before
or after ``release`` (the weights are kept on release).

Why a plain torch loop and not TRL's SFTTrainer: measured with SmolLM2-135M
on this 2-core CPU (other jobs kept the load at 1-2, so +-20%), 18 distilled
examples (~240 tokens each, ~200 of them the shared system prompt, ~23
assistant tokens), r=8 on q_proj/v_proj, batch 8, 3 epochs = 9 steps:

- TRL 1.16 SFTTrainer (prompt/completion data, completion-only loss,
  constant LR): 84-112 s
- this loop with a plain full-sequence forward: 77 s
- this loop with shared_prefix.summed_nll (the system prompt runs once per
  batch, the output head only on assistant tokens): 22-27 s (same losses as
  the plain forward to 3 decimals)

So the loop stays; it also needs no trainer state, output dir or accelerate,
and leaves the base exactly as it found it.

Learning rate 2e-3 (held-out loss / base loss on the 20-item sample
baseline, 3 epochs): 5e-4: 0.88, 1e-3: 0.76, 2e-3: 0.67, 3e-3: 0.70,
5e-3: 0.73 (higher rates overfit the 15 train items).

The recipe (``LoraRecipe``: rank, alpha, epochs, learning rate, ...) is
declared in training/recipe.py.

Run as: ``python -m training.lora BASELINE.json OUT_DIR`` (distils, trains,
saves the adapter; AIVO_BASE_MODEL picks the base model).
"""

from __future__ import annotations

import contextlib

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model, get_peft_model_state_dict
from peft.tuners.lora import LoraLayer
from peft.tuners.tuners_utils import BaseTunerLayer
from safetensors.torch import save_file

from brain.models import LoadedModel, cpu_bf16_enabled
from brain.prompts import chat_ids, chat_text
from training.recipe import LoraRecipe
from training.shared_prefix import summed_nll

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"


@dataclass
class TrainedAdapter:
    """A trained clone adapter, live in the shared base model until release()."""

    model: PeftModel  # the PeftModel wrapping the shared base (unusable after release)
    config: LoraConfig  # PEFT config written as adapter_config.json
    recipe: LoraRecipe
    losses: list[float]  # training loss of every optimizer step
    seconds: float  # wall time of the training loop (injection to the last step)
    trainable_params: int  # LoRA parameters trained
    examples: int  # training examples used (those with assistant tokens left after max_length)
    base_name: str  # AIVO_BASE_MODEL of the base it was trained on
    base_weights_sha256: str | None  # of the base weights, when known
    released: bool = False  # True once the LoRA layers were removed from the base
    state: dict[str, torch.Tensor] | None = field(default=None, repr=False)  # adapter weights kept at release
    _requires_grad: dict[str, bool] = field(default_factory=dict, repr=False)  # base flags to restore


def encode_example(tokenizer, messages: list[dict[str, str]],
                   max_length: int = LoraRecipe.max_length) -> tuple[list[int], list[int]]:
    """(input_ids, labels) of a conversation ending in an assistant turn; labels -100 except on that turn.

    The prompt is tokenized exactly as the endpoint does (``brain.prompts.chat_ids``);
    the rest of the rendered conversation (the assistant text and its
    end-of-turn token) follows it. Tokens after the last end-of-turn token
    (the template's trailing newline) are dropped.
    """
    if messages[-1]["role"] != "assistant":
        raise ValueError("the last message must be the assistant's answer")
    prompt_text = chat_text(tokenizer, messages[:-1])
    full_text = chat_text(tokenizer, messages, add_generation_prompt=False)
    if not full_text.startswith(prompt_text):
        raise ValueError("chat template renders the prompt differently inside the full conversation")
    prompt = chat_ids(tokenizer, messages[:-1])
    answer = tokenizer(full_text[len(prompt_text) :], add_special_tokens=False)["input_ids"]
    eos = tokenizer.eos_token_id
    if eos in answer:
        answer = answer[: len(answer) - answer[::-1].index(eos)]
    ids = (prompt + answer)[:max_length]
    labels = ([-100] * len(prompt) + answer)[:max_length]
    return ids, labels


def _has_adapter(model: torch.nn.Module) -> bool:
    return any(isinstance(m, BaseTunerLayer) for m in model.modules())


class _SeededDropout(torch.nn.Module):
    """Dropout drawing its masks from the clone's own generator, not the process-wide RNG
    (a cohort trains clones in threads; the global RNG would make their weights depend on timing)."""

    def __init__(self, p: float, generator: torch.Generator):
        super().__init__()
        self.p, self.generator = p, generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.empty_like(x).bernoulli_(1 - self.p, generator=self.generator)
        return x * keep / (1 - self.p)


def _seed_lora_layers(model: torch.nn.Module, generator: torch.Generator) -> None:
    """Re-initialise every LoRA layer from ``generator`` (PEFT's own init: kaiming-uniform A,
    zero B) and give it a seeded dropout, so the adapter depends on the seed alone."""
    for _, module in sorted(model.named_modules(), key=lambda kv: kv[0]):
        if not isinstance(module, LoraLayer):
            continue
        for name in module.lora_A:
            torch.nn.init.kaiming_uniform_(module.lora_A[name].weight, a=math.sqrt(5), generator=generator)
            torch.nn.init.zeros_(module.lora_B[name].weight)
            dropout = module.lora_dropout[name]
            if isinstance(dropout, torch.nn.Dropout):
                module.lora_dropout[name] = _SeededDropout(dropout.p, generator)


def train_adapter(
    loaded: LoadedModel,
    train_messages: list[list[dict[str, str]]],
    recipe: LoraRecipe | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> TrainedAdapter:
    """Train a LoRA adapter on the conversations; progress(step, total_steps, loss) after every step.

    The LoRA layers stay in ``loaded.model`` until ``release(trained)``.
    Raises RuntimeError when the base still carries another clone's adapter.
    """
    recipe = recipe or LoraRecipe()
    base = loaded.model
    if _has_adapter(base):
        raise RuntimeError("the base model still carries an adapter: release() the previous clone first")
    tok = loaded.tokenizer
    rows = [encode_example(tok, m, recipe.max_length) for m in train_messages]
    rows = [r for r in rows if any(y != -100 for y in r[1][1:])]
    if not rows:
        raise ValueError("no training example has assistant tokens within max_length")

    config = LoraConfig(
        r=recipe.rank,
        lora_alpha=recipe.alpha,
        lora_dropout=recipe.dropout,
        target_modules=list(recipe.target_modules),
        task_type="CAUSAL_LM",
    )
    requires_grad = {name: p.requires_grad for name, p in base.named_parameters()}
    steps_per_epoch = -(-len(rows) // recipe.batch_size)
    total = steps_per_epoch * recipe.epochs
    losses: list[float] = []
    start = time.perf_counter()
    model = get_peft_model(base, config)
    try:
        config = model.peft_config["default"]
        config.base_model_name_or_path = loaded.name  # not the cache path peft fills in
        # Init, dropout and shuffling use generators of their own: same seed -> same weights,
        # whatever else runs in the process.
        _seed_lora_layers(model, torch.Generator(device=loaded.device).manual_seed(recipe.seed))
        shuffle = torch.Generator().manual_seed(recipe.seed)
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=recipe.learning_rate, weight_decay=0.0)
        # AIVO_CPU_BF16=on, on a CPU with native bf16: the forward and backward matmuls run in bf16 (autocast;
        # the LoRA weights, gradients and optimizer stay fp32), ~1.4x faster on 2 cores, but the weights then
        # depend on the CPU's kernels. Off by default: the same targets give the same adapter on any CPU.
        use_bf16 = loaded.device.type == "cpu" and base.dtype == torch.float32 and cpu_bf16_enabled()
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if use_bf16 else contextlib.nullcontext()
        model.train()
        with torch.enable_grad():  # whatever the caller's grad mode (e.g. a serving thread's)
            for _ in range(recipe.epochs):
                order = torch.randperm(len(rows), generator=shuffle).tolist()
                for i in range(0, len(order), recipe.batch_size):
                    batch = [rows[j] for j in order[i : i + recipe.batch_size]]
                    with autocast:
                        nll, count = summed_nll(model, batch, tok.pad_token_id, loaded.device)
                    loss = nll / count
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(params, 1.0)
                    optimizer.step()
                    optimizer.zero_grad(set_to_none=True)
                    losses.append(loss.item())
                    if progress is not None:
                        progress(len(losses), total, losses[-1])
        model.eval()
    except BaseException:
        # Never leave a half-trained adapter in the shared base.
        _restore(model.unload(), requires_grad)
        raise
    return TrainedAdapter(
        model=model,
        config=config,
        recipe=recipe,
        losses=losses,
        seconds=time.perf_counter() - start,
        trainable_params=sum(p.numel() for p in params),
        examples=len(rows),
        base_name=loaded.name,
        base_weights_sha256=loaded.weights_sha256,
        _requires_grad=requires_grad,
    )


def adapter_state(trained: TrainedAdapter) -> dict[str, torch.Tensor]:
    """The adapter's weights under PEFT's saved names (CPU copies)."""
    if trained.state is not None:
        return trained.state
    # save_embedding_layers=False: no vocabulary change to save, and "auto" looks the base up on the hub.
    state = get_peft_model_state_dict(trained.model, save_embedding_layers=False)
    return {k: v.detach().cpu().clone() for k, v in state.items()}


def release(trained: TrainedAdapter) -> torch.nn.Module:
    """Remove the LoRA layers from the shared base (no merge) and return the pristine base. Idempotent."""
    if trained.released:
        return trained.model.get_base_model()
    trained.state = adapter_state(trained)
    base = _restore(trained.model.unload(), trained._requires_grad)
    trained.released = True
    return base


def _restore(base: torch.nn.Module, requires_grad: dict[str, bool]) -> torch.nn.Module:
    for name, p in base.named_parameters():
        p.requires_grad_(requires_grad.get(name, p.requires_grad))
    return base.eval()


def save_adapter(trained: TrainedAdapter, directory: str | Path) -> list[Path]:
    """Write adapter_config.json + adapter_model.safetensors (PEFT format); returns both paths.

    Load with ``PeftModel.from_pretrained(base_model, directory)``. The
    safetensors metadata names the base model and its weights' sha256.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config = copy.deepcopy(trained.config)
    config.inference_mode = True
    config.save_pretrained(str(directory))
    metadata = {"format": "pt", "base_model": trained.base_name}
    if trained.base_weights_sha256:
        metadata["base_weights_sha256"] = trained.base_weights_sha256
    # fp16 on disk: half the bytes (r=8 q/v on SmolLM2: 0.92 MB instead of 1.84 MB); PEFT copies the
    # values back into the model's own dtype at load, and LoRA deltas lose nothing that matters in fp16.
    weights = {k: (v.half() if v.dtype == torch.float32 else v).contiguous()
               for k, v in adapter_state(trained).items()}
    save_file(weights, str(directory / ADAPTER_WEIGHTS), metadata=metadata)
    return [directory / ADAPTER_CONFIG, directory / ADAPTER_WEIGHTS]


if __name__ == "__main__":
    import sys

    from brain.models import load_base_model
    from brain.schemas import Baseline
    from training.data import build_dataset

    baseline = Baseline.model_validate_json(open(sys.argv[1]).read())
    loaded = load_base_model()
    data = build_dataset(loaded, baseline)
    trained = train_adapter(
        loaded, list(data.train["messages"]),
        progress=lambda step, total, loss: print(f"step {step}/{total} loss {loss:.3f}"),
    )
    paths = save_adapter(trained, sys.argv[2])
    release(trained)
    print(f"trained {trained.trainable_params} params on {trained.examples} examples in "
          f"{trained.seconds:.1f}s; wrote {sum(p.stat().st_size for p in paths)} bytes to {sys.argv[2]}")
