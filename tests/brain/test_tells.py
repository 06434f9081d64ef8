"""The tutor-mode ``tells`` check: what the child was asked to find, handed over with the answer unknown."""

from __future__ import annotations

import pytest

from brain.quality import TutorItem
from brain.quality.ela_task import ElaTask
from brain.quality.tells import tells

WORD_PROBLEM = TutorItem(prompt="A recipe needs 2 cups of flour for 12 cookies. How many cups for 48?", grade=6,
                         subject="math")
MEANING = ElaTask(topic="vocabulary", asked="meaning", target="reluctant", sentence=None, answer=None)
SYNONYM = ElaTask(topic="vocabulary", asked="synonym", target="happy", sentence=None, answer=None)
POS = ElaTask(topic="parts_of_speech", asked="part_of_speech", target="quickly",
              sentence="The cat ran quickly home", answer=None)
PUNCT = ElaTask(topic="punctuation", asked="fix", target=None, sentence="my sister lives in boston and she likes it",
                answer=None)
PLURAL = ElaTask(topic="plurals", asked="plural", target="platypus", sentence=None, answer=None)


def item(task: ElaTask) -> TutorItem:
    return TutorItem(prompt="(the child's question)", grade=4, subject="ela", topic=task.topic)


@pytest.mark.parametrize("text", [
    "Let's see. The correct answer is 8 cups, so you were close.",
    "The answer would be 8.",
    "Answer: 8 cups of flour.",
    "Good try! So the final answer is twenty-four.",
])
def test_an_answer_stated_when_it_is_unknown(text):
    found = tells(text, WORD_PROBLEM, None, "tutor")
    assert found is not None and found.detector == "tells" and "states an answer" in found.reason


@pytest.mark.parametrize("text", [
    "What do you think the answer is?",
    "Your answer is a good start. How many groups of 12 are in 48?",
    "The answer is not 6. How many groups of 12 are in 48?",
    "The answer is hidden in the first sentence. What does one batch make?",
    "Let's find the answer together. How many batches do you need?",
])
def test_guiding_text_is_not_a_tell(text):
    assert tells(text, WORD_PROBLEM, None, "tutor") is None


def test_known_answers_are_left_to_the_reveal_detector():
    known = WORD_PROBLEM.model_copy(update={"answer": "8"})
    assert tells("The answer is 8 cups.", known, None, "tutor") is None


def test_other_modes_may_state_it():
    assert tells("The answer is 8 cups.", WORD_PROBLEM, None, "explain") is None


@pytest.mark.parametrize("task,text", [
    (MEANING, "Reluctant means you don't really want to do something."),
    (MEANING, "The word 'reluctant' refers to not wanting to do it."),
    (MEANING, "If you are reluctant, it means you hold back."),
    (MEANING, "Reluctant is when you feel unwilling."),
    (SYNONYM, "A synonym for happy might be joyful."),
    (SYNONYM, "Another word for happy is glad."),
    (POS, "In your sentence, 'quickly' is an adverb."),
    (POS, "The word quickly works as an adverb here."),
    (POS, "So the part of speech is an adverb."),
    (PLURAL, "The plural of platypus is platypuses."),
])
def test_ela_tells(task, text):
    found = tells(text, item(task), task, "tutor")
    assert found is not None and found.detector == "tells", text


@pytest.mark.parametrize("task,text", [
    (MEANING, "Look at the sentence again. How did the boy feel about going?"),
    (MEANING, "What clues in the sentence tell you how he felt?"),
    (SYNONYM, "A synonym is a word that means almost the same thing. What word could you swap in?"),
    (POS, "An adverb tells how something happens. What does quickly tell you about the cat?"),
    (POS, "Is 'quickly' a noun or an adverb?"),
    (PLURAL, "What do you add to a word that ends in s to make it plural?"),
])
def test_ela_guidance_is_not_a_tell(task, text):
    assert tells(text, item(task), task, "tutor") is None, text


def test_the_corrected_sentence_written_out_is_a_tell():
    found = tells('Here it is: "My sister lives in Boston, and she likes it."', item(PUNCT), PUNCT, "tutor")
    assert found is not None and found.reason == "writes out the corrected sentence"


def test_the_sentence_quoted_back_unchanged_is_not():
    text = "Read 'my sister lives in boston and she likes it' out loud. Which words are names?"
    assert tells(text, item(PUNCT), PUNCT, "tutor") is None
