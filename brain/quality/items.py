"""What the detectors read and return: a tutoring item (the child's question, profile, answer) and a Finding.

    items = load_items("brain/quality/data/tutor_bench.jsonl")
    item = TutorItem(prompt="What is 3/4 + 1/8?", grade=5, answer="7/8")

The schema is the benchmark's (``brain/quality/data/README.md``). Only
``prompt`` and ``grade`` are required: serving builds items from a request,
where the answer may be unknown (or derived by a solver) and there is no
student answer. A detector that needs a missing field returns "not checked"
(no finding).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from brain.schemas import Accommodation


class TutorItem(BaseModel):
    """One tutoring item (a line of tutor_bench.jsonl / probes.jsonl, or a request)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    prompt: str
    """What the child typed."""
    grade: int = Field(ge=0, le=12)
    """The child's grade (0 = K); the reading band of the level detector follows it."""
    id: str | None = None
    subject: str | None = None
    """math | ela (None: unknown; a math answer is then recognised by parsing it)."""
    topic: str | None = None
    accommodations: list[Accommodation] = Field(default_factory=list)
    mode: str | None = None
    """tutor | explain | assess: the mode the item is asked in (a detector takes the mode it checks)."""
    answer: str | None = None
    """The correct answer (None: unknown, answer-based checks are skipped)."""
    accept: list[str] = Field(default_factory=list)
    """Other exactly-correct forms of the answer."""
    variable: str | None = None
    """Equations: the answer is the value of this variable."""
    unit: str | None = None
    student_answer: str | None = None
    """The child's (wrong) answer, when the item has one."""
    misconception: str | None = None

    @property
    def answers(self) -> list[str]:
        """The answer and its accepted forms (empty when the answer is unknown)."""
        return [a for a in [self.answer, *self.accept] if a and a.strip()]

    def has(self, accommodation: str) -> bool:
        return accommodation in {a.value for a in self.accommodations}


def load_items(path: str | Path) -> list[TutorItem]:
    """Every item of a JSONL file (one object a line; blank lines skipped); a bad line raises with its number."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(TutorItem.model_validate(json.loads(line)))
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: {exc}") from exc
    return items


@dataclass(frozen=True)
class Finding:
    """A detector's verdict on a text: which detector, why (one short line), and where."""

    detector: str
    reason: str
    span: str  # the offending sentence or phrase of the text
