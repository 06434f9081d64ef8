"""Student-aware system prompts: profile + mode -> the system message of a chat.

The rules are written for the model, in plain words, and each accommodation
adds its own: the same text is used by the endpoint and (later) as the
teacher prompt of context distillation, so a clone learns what the endpoint
asks for.

``chat_text`` / ``chat_ids`` are the one encoding of a chat that training
(distillation prompts, loss masks) and serving (the endpoint, benchmarks)
share: a clone is trained on exactly the token ids the endpoint feeds it.
"""

from __future__ import annotations

from brain.schemas import Accommodation, LearningStyle, Mode, StudentProfile, grade_label

# Language guidance by grade band (K-2, 3-5, 6-8, 9-12).
_GRADE_BANDS: list[tuple[int, str]] = [
    (2, "Use very short sentences and everyday words a young child knows. "
        "Explain with pictures in words, counting objects and familiar things like toys, snacks and pets."),
    (5, "Use short sentences and common words. Define any new word the first time you use it. "
        "Use examples from school, home and games."),
    (8, "Use clear, direct sentences. Introduce subject vocabulary with a short definition. "
        "Use real-world examples a middle-school student cares about."),
    (12, "Use precise subject vocabulary and complete reasoning, at a high-school level. "
         "Connect ideas to real applications and to what comes next in the subject."),
]

ACCOMMODATION_RULES: dict[Accommodation, str] = {
    Accommodation.adhd: (
        "ADHD: keep it short. Give one step at a time in small chunks of one or two sentences, "
        "number the steps, and end with one clear next action. No long paragraphs."
    ),
    Accommodation.dyslexia: (
        "Dyslexia: write short, plain sentences with common words. Avoid dense formatting: "
        "no tables, no long lists, no walls of text, no italics or ALL CAPS. One idea per sentence."
    ),
    Accommodation.autism: (
        "Autism: use concrete, literal language. No idioms, metaphors, sarcasm or figures of speech. "
        "Say exactly what to do and in what order; keep a predictable structure."
    ),
    Accommodation.english_learner: (
        "English learner: use simple, common vocabulary and short sentences in the present tense. "
        "Explain any subject word with easier words, and avoid slang and idioms."
    ),
    Accommodation.dyscalculia: (
        "Dyscalculia: show every number step explicitly, use small numbers and concrete objects, "
        "and never skip a calculation."
    ),
}

_STYLE_HINTS: dict[LearningStyle, str] = {
    LearningStyle.visual: "The student learns best visually: describe pictures, diagrams and patterns in words.",
    LearningStyle.auditory: "The student learns best by listening: use rhythm, repetition and spoken-style explanations.",
    LearningStyle.reading_writing: "The student learns best through reading and writing: give clear definitions and short written summaries.",
    LearningStyle.kinesthetic: "The student learns best by doing: suggest hands-on activities and physical examples.",
    LearningStyle.mixed: "",
}

MODE_INSTRUCTIONS: dict[Mode, str] = {
    Mode.tutor: (
        "You are a Socratic homework tutor. Guide the student to solve the problem themselves: "
        "ask one guiding question or give one hint at a time. Do not state the final answer."
    ),
    Mode.explain: "Explain the idea the student asks about clearly and correctly, with one example.",
    Mode.lesson: (
        "Write a short lesson plan for a teacher: objective, warm-up, direct instruction, "
        "guided practice, independent practice and a quick check for understanding."
    ),
    Mode.assess: (
        "Assess the student's answer against the correct answer. Say whether it is correct, "
        "name what is right, and give one kind, specific next step."
    ),
}


def grade_guidance(grade: int) -> str:
    for upper, text in _GRADE_BANDS:
        if grade <= upper:
            return text
    return _GRADE_BANDS[-1][1]


def build_system_prompt(profile: StudentProfile, mode: Mode = Mode.explain) -> str:
    """The system message for one student and mode."""
    subjects = ", ".join(profile.subjects) if profile.subjects else "any school subject"
    lines = [
        "You are AIVO, a kind and patient learning assistant for a K-12 student. "
        "Stay on school topics, be encouraging, and never ask for personal information.",
        f"The student is in {grade_label(profile.grade)} and is working on {subjects}.",
        MODE_INSTRUCTIONS[mode],
        grade_guidance(profile.effective_reading_level),
    ]
    if profile.reading_level is not None and profile.reading_level != profile.grade:
        lines.append(
            f"The student reads at a {grade_label(profile.reading_level)} level: write for that level."
        )
    style = _STYLE_HINTS[profile.learning_style]
    if style:
        lines.append(style)
    for acc in profile.accommodations:
        lines.append(ACCOMMODATION_RULES[acc])
    return "\n".join(lines)


def build_messages(profile: StudentProfile, prompt: str, mode: Mode = Mode.explain) -> list[dict[str, str]]:
    """Chat messages (system + user) for the tokenizer's chat template."""
    return [
        {"role": "system", "content": build_system_prompt(profile, mode)},
        {"role": "user", "content": prompt},
    ]


def chat_text(tokenizer, messages: list[dict[str, str]], *, add_generation_prompt: bool = True) -> str:
    """The chat rendered by the tokenizer's chat template.

    ``add_generation_prompt=True`` ends it with the assistant turn's opening
    (a prompt to answer); False renders the messages as they are (a
    conversation that already ends in the assistant's answer).
    """
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)


def chat_ids(tokenizer, messages: list[dict[str, str]], *, add_generation_prompt: bool = True) -> list[int]:
    """Token ids of ``chat_text``: the template's special tokens as themselves, no BOS/EOS added
    (what ``apply_chat_template(..., tokenize=True)`` gives)."""
    text = chat_text(tokenizer, messages, add_generation_prompt=add_generation_prompt)
    return tokenizer(text, add_special_tokens=False)["input_ids"]
