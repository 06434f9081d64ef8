"""HTTP request/response models of the endpoint: what the routes of ``python -m serving.app`` accept.

FastAPI validates a body against these (a bad field is a 422 naming it, serving/errors.py) and
publishes them in the OpenAPI schema (serving/openapi.py). Generation's own request and the
student's context are brain/schemas.py's (``GenerationRequest``, ``GenerationContext``), shared
with the rest of the project; the models here exist only for HTTP.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from brain.schemas import (
    NOT_BLANK,
    STUDENT_ID_PATTERN,
    Baseline,
    FrequencyPenalty,
    GenerationContext,
    JsonInt,
    Mode,
    OptionalJsonInt,
    PresencePenalty,
    RepetitionPenalty,
    StudentId,
)

BRAIN_MODEL_ID = "aivo-brain"
"""The base brain's model name (OpenAI-compatible routes); a student's clone is 'student-<id>'."""


# -- the OpenAI-compatible routes ---------------------------------------------------------

# 'aivo-brain' or 'student-<id>' (the schema says so; the chat route answers 404 for a model that does not
# exist and 422 naming `model` for 'student-' followed by something that is not a student id).
MODEL_PATTERN = rf"^({BRAIN_MODEL_ID}|student-{STUDENT_ID_PATTERN[1:-1]})$"
_TEXT = NOT_BLANK  # JSON Schema's pattern is a search: at least one character that is not blank


class ContentPart(BaseModel):
    """One part of a message's content; only ``text`` parts are read (others are ignored)."""

    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "user", "assistant", "developer"]
    content: str | Annotated[list[ContentPart], Field(max_length=100)]

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text or "" for part in self.content if part.type == "text")


class StreamOptions(BaseModel):
    include_usage: bool = Field(False, strict=True)


_HAS_USER_TEXT = {"contains": {  # the schema's way of saying "at least one user message with text"
    "type": "object", "required": ["role", "content"],
    "properties": {"role": {"const": "user"}, "content": {"anyOf": [
        {"type": "string", "pattern": _TEXT},
        {"type": "array", "contains": {"type": "object", "required": ["type", "text"],
                                       "properties": {"type": {"const": "text"},
                                                      "text": {"type": "string", "pattern": _TEXT}}}}]}}}}


class ChatCompletionRequest(BaseModel):
    # The student: model 'student-<id>', else the user field or context.student_id (said in the schema; that
    # user/context name the model's student is not: a mismatch is a 400).
    model_config = ConfigDict(extra="ignore", json_schema_extra={"anyOf": [
        {"properties": {"model": {"type": "string", "pattern": "^student-"}}},
        {"required": ["user"], "properties": {"user": {"type": "string"}}},
        {"required": ["context"], "properties": {"context": {"type": "object"}}}]})
    model: str = Field(description="'student-<id>' for a student's clone, 'aivo-brain' for the base model "
                       "(an unknown model is a 404)", json_schema_extra={"pattern": MODEL_PATTERN})
    messages: list[ChatMessage] = Field(min_length=1, max_length=100, json_schema_extra=_HAS_USER_TEXT,
                                        description="at least one 'user' message with text; the last one is "
                                        "the question (moderated, mode-checked)")
    user: StudentId | None = Field(None, description="The student id (OpenAI's end-user field)")
    context: GenerationContext | None = Field(
        None, description="The student's profile for this request, used when the student is on no roster "
        "(the response's aivo.profile_source says which profile was used); context.student_id must be "
        "the student of model/user")
    # Per-request parameters: strict JSON types (no "0.5" or true coerced), finite, in the ranges the
    # engine executes (serving/sampling.py check_request); a bad value is a 422 naming the field.
    max_tokens: OptionalJsonInt = Field(None, ge=1, le=4096, strict=True)
    max_completion_tokens: OptionalJsonInt = Field(None, ge=1, le=4096, strict=True)
    temperature: float = Field(0.7, ge=0.0, le=2.0, strict=True, allow_inf_nan=False)
    top_p: float = Field(0.95, gt=0.0, le=1.0, strict=True, allow_inf_nan=False,
                         description="nucleus mass; the most likely token is always kept")
    n: JsonInt = Field(1, ge=1, le=1, strict=True, description="only 1 is supported")
    seed: OptionalJsonInt = Field(None, ge=0, le=2**64 - 1, strict=True,
                             description="an unsigned 64-bit integer: the same seed gives the same sample")
    frequency_penalty: FrequencyPenalty = None
    presence_penalty: PresencePenalty = None
    repetition_penalty: RepetitionPenalty = None  # not OpenAI's (the SDKs send it with extra_body)
    stream: bool = Field(False, strict=True)
    stream_options: StreamOptions | None = None
    mode: Mode = Mode.tutor

    @field_validator("messages")
    @classmethod
    def _has_user(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        if not any(m.role == "user" and m.text().strip() for m in messages):
            raise ValueError("at least one 'user' message with text is required (the last one is the question)")
        return messages

    def question(self) -> str:
        """The last user message's text: what is moderated and mode-checked."""
        return next(m.text() for m in reversed(self.messages) if m.role == "user" and m.text().strip())


# -- clones, moderation ---------------------------------------------------------------------

class CloneStartRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    baseline: Baseline = Field(description="The baseline assessment; item_id must be unique within items")
    require_review: bool = Field(False, strict=True)


class ModerationRequest(BaseModel):
    text: str = Field(min_length=1, max_length=20000)
    direction: Literal["input", "output"] = "input"


# -- assessment -------------------------------------------------------------------------------


class AssessRequest(BaseModel):
    """Body of ``POST /v1/assess``: one student answer to grade."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=4000, description="The question the student answered.")
    student_answer: str = Field(max_length=2000, description="The student's answer; blank scores 0.")
    rubric: str | None = Field(None, max_length=4000, description="What a good open answer contains.")
    reference_answer: str | None = Field(
        None, max_length=2000, validate_default=True,
        description="The correct answer. Required unless a rubric is given.",
    )
    context: GenerationContext

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("question must not be empty")
        return value

    # Declared after `rubric` so that the rubric is known here; the error names this field.
    @field_validator("reference_answer")
    @classmethod
    def _reference_or_rubric(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not value.strip():
            value = None
        if value is None and "rubric" in info.data and not (info.data["rubric"] or "").strip():
            raise ValueError("give reference_answer or rubric")
        return value


class AssessResult(BaseModel):
    score: float = Field(ge=0.0, le=1.0, description="0..1; partial credit for lists, units, near decimals.")
    correct: bool
    feedback: str = Field(description="For the student, at their reading level.")
    method: Literal["exact", "normalized", "model", "overlap"] = Field(
        description="'exact': sympy, or the same text; 'normalized': an exact rule of brain/open_answers.py "
        "(formula, number words, surname, spelling); 'model': the model's verdict (its scores for a fixed "
        "label set); 'overlap': words shared with the reference, the last resort when the model could not "
        "be run."
    )
    expected: str | None = Field(None, description="The reference answer, shown after grading.")
    note: str = Field("", description="How the grade was reached, for teachers and logs.")
