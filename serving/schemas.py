"""HTTP request/response models of the endpoint."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from brain.schemas import GenerationContext


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
    method: Literal["exact", "model", "overlap"] = Field(
        description="'exact': sympy; 'model': the model's verdict; 'overlap': words shared with the "
        "reference (the model's verdict could not be read)."
    )
    expected: str | None = Field(None, description="The reference answer, shown after grading.")
    note: str = Field("", description="How the grade was reached, for teachers and logs.")
