"""The K-12 curriculum set the brain itself is fine-tuned on (training/curriculum/curriculum.jsonl).

Items are Common Core-tagged questions with an answer and a short,
grade-level explanation. Each becomes a chat: the system prompt for a student
of that grade and subject (mode ``explain``), the question, and the
explanation followed by the answer. Held-out items are chosen by a hash of
their id, so the split is stable as items are added.

Run as: ``python -m training.curriculum_set`` (prints counts per grade and subject).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from brain.prompts import build_messages
from brain.schemas import Mode, StudentProfile

CURRICULUM_PATH = Path(__file__).parent / "curriculum" / "curriculum.jsonl"
REQUIRED = ("id", "grade", "subject", "standard", "skill", "question", "answer", "explanation")


@dataclass(frozen=True)
class CurriculumItem:
    id: str
    grade: int
    subject: str
    standard: str
    skill: str
    question: str
    answer: str
    explanation: str

    def messages(self) -> list[dict[str, str]]:
        profile = StudentProfile(student_id="curriculum", grade=self.grade, subjects=[self.subject])
        target = f"{self.explanation.strip()} The answer is {self.answer.strip()}."
        return build_messages(profile, self.question, Mode.explain) + [{"role": "assistant", "content": target}]


def load_curriculum(path: Path = CURRICULUM_PATH) -> list[CurriculumItem]:
    items = []
    for n, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise ValueError(f"{path}:{n}: missing {', '.join(missing)}")
        items.append(CurriculumItem(**{k: row[k] for k in REQUIRED}))
    return items


def split_curriculum(items: list[CurriculumItem], heldout_fraction: float = 0.15) -> tuple[list, list]:
    """(train, held-out) by a hash of each id: stable, and about ``heldout_fraction`` held out."""
    def bucket(item: CurriculumItem) -> float:
        return int(hashlib.sha256(item.id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF

    train = [i for i in items if bucket(i) >= heldout_fraction]
    heldout = [i for i in items if bucket(i) < heldout_fraction]
    return train, heldout


def curriculum_sha256(items: list[CurriculumItem]) -> str:
    body = json.dumps([i.__dict__ for i in items], sort_keys=True).encode()
    return hashlib.sha256(body).hexdigest()


if __name__ == "__main__":
    items = load_curriculum()
    train, heldout = split_curriculum(items)
    print(f"{len(items)} items ({len(train)} train, {len(heldout)} held out), sha {curriculum_sha256(items)[:12]}")
    for (grade, subject), n in sorted(Counter((i.grade, i.subject) for i in items).items()):
        print(f"  grade {grade:>2} {subject:<5} {n}")
