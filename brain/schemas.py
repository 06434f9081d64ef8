"""Typed shapes shared by every part: student profile, baseline assessment, generation request.

Validation errors name the field that is wrong (pydantic's ``loc``), and the
endpoint turns them into 4xx answers that say so.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

STUDENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
StudentId = Annotated[
    str,
    Field(
        pattern=STUDENT_ID_PATTERN,
        description="Opaque student id: letters, digits, '_', '.', '-'; at most 64 characters. "
        "Never a name or an email.",
        examples=["stu-0042"],
    ),
]


def check_student_id(student_id: str) -> str:
    """The id when it matches STUDENT_ID_PATTERN (what every path, body and roster accepts), else ValueError."""
    if not isinstance(student_id, str) or not re.fullmatch(STUDENT_ID_PATTERN, student_id):
        raise ValueError(f"not a student id: {student_id!r} (letters, digits, '_', '.', '-'; at most 64 characters)")
    return student_id


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A JSON integer, as JSON Schema's "integer" says: 8 or 8.0 (the same JSON number), never 8.5, "8" or true
# (with strict=True on the field).
JsonInt = Annotated[int, BeforeValidator(_integral)]
OptionalJsonInt = Annotated[int | None, BeforeValidator(_integral)]  # (so the schema keeps minimum/maximum)

# The repetition penalties of a generation request (serving/penalties.py; the generate and the OpenAI chat
# bodies share these): strict JSON numbers, finite, in the ranges the engine runs (serving/sampling.py).
FrequencyPenalty = Annotated[float | None, Field(
    strict=True, ge=-2.0, le=2.0, allow_inf_nan=False, description="OpenAI's frequency_penalty: a token's "
    "logit minus this times how often the answer has used it so far; -2..2, omitted or null = 0")]
PresencePenalty = Annotated[float | None, Field(
    strict=True, ge=-2.0, le=2.0, allow_inf_nan=False, description="OpenAI's presence_penalty: a token's "
    "logit minus this once the answer has used it; -2..2, omitted or null = 0")]
RepetitionPenalty = Annotated[float | None, Field(
    strict=True, gt=0.0, le=2.0, allow_inf_nan=False, description="Repetition penalty (Hugging Face/CTRL): "
    "the logits of tokens in the prompt or the answer so far are divided by it when positive, multiplied "
    "when negative; (0, 2], 1 = off; omitted or null = the server's default (AIVO_DEFAULT_REPETITION_PENALTY, "
    "1.1), which stops the small model's loops")]


def parse_grade(value: Any) -> int:
    """K-12 grade as an int: 'K'/'kindergarten'/0 -> 0, '5'/5/'grade 5' -> 5.

    Raises ValueError with a message a caller can show (grade 19 -> 'grade must be K or 1-12').
    """
    if isinstance(value, bool):
        raise ValueError("grade must be K or 1-12, got a boolean")
    if isinstance(value, int):
        grade = value
    elif isinstance(value, float) and value.is_integer():
        grade = int(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if text in {"k", "kg", "kindergarten", "grade k"}:
            return 0
        match = re.fullmatch(r"(?:grade\s*)?([0-9]{1,2})(?:st|nd|rd|th)?(?:\s*grade)?", text)
        if not match:
            raise ValueError(f"grade must be K or 1-12, got {value!r}")
        grade = int(match.group(1))
    else:
        raise ValueError(f"grade must be K or 1-12, got {value!r}")
    if not 0 <= grade <= 12:
        raise ValueError(f"grade must be K or 1-12, got {grade}")
    return grade


def _ci(word: str) -> str:
    """``word`` as a case-insensitive regex in character classes (JSON Schema patterns take no flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


def _any(words) -> str:
    return "(?:" + "|".join(_ci(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


# The characters str.strip() (and Python's \s) treat as blank, spelled out: JSON Schema tools disagree about
# \s (ECMA-262 and Rust leave out \x1c-\x1f), so the schema's patterns use this class, never \s.
BLANK = r"\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{BLANK}]"  # a pattern (a search): at least one character that is not blank
_WS = f"[{BLANK}]*"

# What the lenient request fields accept, said in the JSON schema (OpenAPI) exactly: every input the
# schema allows is accepted and every other is a 422 naming the field.
GRADE_TEXT_PATTERN = (rf"^{_WS}(?:" + _any(["k", "kg", "kindergarten", "grade k"]) + "|(?:" + _ci("grade")
                      + rf"{_WS})?(?:0?[0-9]|1[0-2])" + _any(["st", "nd", "rd", "th"]) + rf"?(?:{_WS}" + _ci("grade")
                      + rf")?){_WS}$")
GRADE_JSON = {"anyOf": [{"type": "integer", "minimum": 0, "maximum": 12},
                        {"type": "string", "pattern": GRADE_TEXT_PATTERN}]}
READING_LEVEL_JSON = {"anyOf": [*GRADE_JSON["anyOf"], {"type": "null"}]}


def grade_label(grade: int) -> str:
    return "kindergarten" if grade == 0 else f"grade {grade}"


class LearningStyle(str, Enum):
    visual = "visual"
    auditory = "auditory"
    reading_writing = "reading_writing"
    kinesthetic = "kinesthetic"
    mixed = "mixed"


class Accommodation(str, Enum):
    adhd = "adhd"
    dyslexia = "dyslexia"
    autism = "autism"
    english_learner = "english_learner"
    dyscalculia = "dyscalculia"


_ACCOMMODATION_ALIASES = {
    "add": "adhd",
    "asd": "autism",
    "autistic": "autism",
    "ell": "english_learner",
    "esl": "english_learner",
    "el": "english_learner",
    "english-learner": "english_learner",
    "english learner": "english_learner",
}
_STYLE_ALIASES = {"reading": "reading_writing", "reading/writing": "reading_writing",
                  "reading-writing": "reading_writing", "hands-on": "kinesthetic"}


_ACC_WORDS = _any(["adhd", "dyslexia", "autism", "dyscalculia", "english_learner", "english-learner",
                    "english learner", "add", "asd", "autistic", "ell", "esl", "el", "none"])
ACCOMMODATIONS_JSON = {"anyOf": [
    {"type": "array", "items": {"type": "string", "pattern": rf"^{_WS}{_ACC_WORDS}?{_WS}$"}},
    {"type": "string", "pattern": rf"^{_WS}{_ACC_WORDS}?{_WS}(?:[,;]{_WS}{_ACC_WORDS}?{_WS})*$",
     "description": "comma- or semicolon-separated"},
    {"type": "null"}],
    "description": "adhd, dyslexia, autism, english_learner, dyscalculia (any case; aliases: add, asd, autistic, "
                   "ell, esl, el, english-learner, english learner; 'none' and blanks are skipped)"}
LEARNING_STYLE_JSON = {"type": "string", "pattern": rf"^{_WS}" + _any(
    ["visual", "auditory", "reading_writing", "kinesthetic", "mixed", "reading", "reading/writing",
     "reading-writing", "hands-on"]) + rf"{_WS}$", "description": "visual, auditory, reading_writing, kinesthetic "
    "or mixed (any case; aliases: reading, reading/writing, reading-writing, hands-on)"}
Grade = Annotated[int, WithJsonSchema(GRADE_JSON, mode="validation")]
ReadingLevel = Annotated[int | None, WithJsonSchema(READING_LEVEL_JSON, mode="validation")]
Accommodations = Annotated[list[Accommodation], WithJsonSchema(ACCOMMODATIONS_JSON, mode="validation")]
Style = Annotated[LearningStyle, WithJsonSchema(LEARNING_STYLE_JSON, mode="validation")]


def _norm_accommodations(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        value = [v for v in re.split(r"[,;]", value) if v.strip()]
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, str):
                key = v.strip().lower()
                if key in {"none", ""}:
                    continue
                out.append(_ACCOMMODATION_ALIASES.get(key, key.replace("-", "_").replace(" ", "_")))
            else:
                out.append(v)
        return out
    return value


def _norm_style(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower()
        return _STYLE_ALIASES.get(key, key)
    return value


class StudentProfile(BaseModel):
    """Who the student is, as far as personalisation needs: no name, no contact data."""

    model_config = ConfigDict(extra="forbid")

    student_id: StudentId
    grade: Grade = Field(description="K-12 grade: 'K' or 0 for kindergarten, 1-12.")
    subjects: list[str] = Field(default_factory=list, max_length=20)
    learning_style: Style = LearningStyle.mixed
    accommodations: Accommodations = Field(default_factory=list)
    reading_level: ReadingLevel = Field(
        None, description="Reading level as a grade equivalent (K-12); defaults to the grade."
    )

    _grade = field_validator("grade", mode="before")(classmethod(lambda cls, v: parse_grade(v)))
    _reading = field_validator("reading_level", mode="before")(
        classmethod(lambda cls, v: None if v is None else parse_grade(v))
    )
    _acc = field_validator("accommodations", mode="before")(
        classmethod(lambda cls, v: _norm_accommodations(v))
    )
    _style = field_validator("learning_style", mode="before")(classmethod(lambda cls, v: _norm_style(v)))

    @property
    def effective_reading_level(self) -> int:
        return self.grade if self.reading_level is None else self.reading_level


class BaselineItem(BaseModel):
    """One answered item of a baseline assessment."""

    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(min_length=1, max_length=64)
    question: str = Field(min_length=1, max_length=2000)
    skill: str = Field(min_length=1, max_length=200, description="Skill assessed, e.g. 'fraction equivalence'.")
    standard: str | None = Field(
        None, max_length=40, description="Standard code, e.g. Common Core '3.NF.A.3'."
    )
    student_answer: str = Field(max_length=2000)
    correct_answer: str = Field(min_length=1, max_length=2000)
    correct: bool = Field(strict=True)
    seconds_taken: float = Field(ge=0, le=24 * 3600, strict=True)


class Baseline(BaseModel):
    """A student's baseline assessment: the data a clone is trained on."""

    model_config = ConfigDict(extra="forbid")

    assessment_id: str = Field(min_length=1, max_length=64)
    student: StudentProfile
    items: list[BaselineItem] = Field(min_length=1, max_length=500)
    overall_score: float | None = Field(None, ge=0, le=100, strict=True)

    @model_validator(mode="after")
    def _unique_items(self) -> "Baseline":
        seen: set[str] = set()
        for item in self.items:
            if item.item_id in seen:
                raise ValueError(f"items: duplicate item_id {item.item_id!r}")
            seen.add(item.item_id)
        return self


class Mode(str, Enum):
    tutor = "tutor"
    explain = "explain"
    lesson = "lesson"
    assess = "assess"


class GenerationContext(BaseModel):
    """The student context of a request (the reference document's ``context``)."""

    model_config = ConfigDict(extra="forbid")

    student_id: StudentId
    grade: Grade = Field(description="K-12 grade: 'K' or 0, 1-12.")
    subject: str | None = Field(None, max_length=100)
    learning_style: Style = LearningStyle.mixed
    disability: Accommodations = Field(
        default_factory=list, description="Alias of accommodations (the reference document's name)."
    )
    accommodations: Accommodations = Field(default_factory=list)
    reading_level: ReadingLevel = None

    _grade = field_validator("grade", mode="before")(classmethod(lambda cls, v: parse_grade(v)))
    _reading = field_validator("reading_level", mode="before")(
        classmethod(lambda cls, v: None if v is None else parse_grade(v))
    )
    _acc = field_validator("accommodations", "disability", mode="before")(
        classmethod(lambda cls, v: _norm_accommodations(v))
    )
    _style = field_validator("learning_style", mode="before")(classmethod(lambda cls, v: _norm_style(v)))

    def profile(self) -> StudentProfile:
        merged = list(dict.fromkeys([*self.accommodations, *self.disability]))
        return StudentProfile(
            student_id=self.student_id,
            grade=self.grade,
            subjects=[self.subject] if self.subject else [],
            learning_style=self.learning_style,
            accommodations=merged,
            reading_level=self.reading_level,
        )


class GenerationRequest(BaseModel):
    """Body of ``POST /v1/generate``."""

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1, description="The student's or app's question (not blank).",
                        json_schema_extra={"pattern": NOT_BLANK})
    context: GenerationContext
    mode: Mode = Mode.explain
    # Strict: a JSON integer / number, never a string or a boolean coerced; finite only (the engine's
    # own check, serving/sampling.py, accepts at least these ranges).
    max_tokens: JsonInt = Field(256, ge=1, le=4096, strict=True)
    temperature: float = Field(0.7, ge=0.0, le=2.0, strict=True, allow_inf_nan=False,
                               description="0 = greedy (deterministic); a JSON number, not a string")
    frequency_penalty: FrequencyPenalty = None
    presence_penalty: PresencePenalty = None
    repetition_penalty: RepetitionPenalty = None

    @field_validator("prompt")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt must not be empty")
        return value
