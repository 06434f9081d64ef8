"""Guiding hints for ELA items with a known answer: plurals, verb tenses, parts of speech, vocabulary, punctuation.

    ela_steps({"topic": "plurals", "prompt": "What is the plural of mouse?", "answer": "mice"})
    # ["Mouse is one of the special nouns that change their vowel in the plural. What word ...?", ...]

A hint names the rule or the clue (irregular plural, irregular verb, the job a word
does, a word part, the punctuation rule) and asks for the word; it never says the
answer. Candidates come best first; the caller (``brain.quality.fallback``) drops any
that holds the answer or an accepted form as a word.
"""

from __future__ import annotations

import re

VOWELS = "aeiou"


def _target(prompt: str, patterns: list[str]) -> str | None:
    low = prompt.lower()
    for pattern in patterns:
        m = re.search(pattern, low)
        if m:
            return m.group(1)
    return None


def _plural(prompt: str, answer: str) -> list[str]:
    base = _target(prompt, [r"plural of (\w+)", r"more than one (\w+)", r"(?:a|one) (\w+)\. what do you call"])
    ans = answer.lower()
    if not base:
        return ["Is this a regular noun that just adds -s, or a special one? Say it out loud for more than one."]
    cap = base.capitalize()
    ask = "What word do you say for more than one?"
    if not ans:  # the answer is not known (serving, a word the tables do not hold): no rule is named
        return [f"Is {base} a regular noun that just adds -s or -es, or a special one? {ask}"]
    if ans == base:
        return [f"{cap} is a special noun that does not change at all for more than one. {ask}",
                f"Some animal nouns stay the same for one or many. {ask}"]
    if re.search(r"(s|x|z|sh|ch)$", base) and ans in (base + "es", base + "ses"):
        return [f"Words that end in s, x, sh or ch need an extra sound in the plural. What ending does {base} need?"]
    if re.search(rf"[^{VOWELS}]y$", base):
        return [f"{cap} ends in a consonant and y. What happens to the y before you add the ending?"]
    if re.search(r"(f|fe)$", base) and "ves" in ans:
        return [f"In some words that end in f, the f changes to v. What ending comes after the v in {base}?"]
    if base.endswith("o"):
        return [f"Some words that end in o take -es, not just -s. How would you spell {base} for more than one?"]
    if base.endswith("is"):
        return [f"Words that end in -is change that ending in the plural. What does {base} become?"]
    if ans.endswith("en") and not base.endswith("an"):
        return [f"{cap} is a special noun with an old, unusual plural ending. {ask}"]
    return [f"{cap} is one of the special nouns that change their vowel in the plural. {ask}",
            f"{cap} is a special noun. {ask}"]


def _verb(prompt: str, answer: str) -> list[str]:
    low = prompt.lower()
    base = _target(prompt, [r"(?:past tense|past participle) of (\w+)", r"\((\w+)\)", r"put (\w+) in"])
    if "future" in low:
        return ["The future tense is for something that has not happened yet. Which helping word shows that?"]
    if "progressive" in low:
        when = "right now" if "present" in low else "in the past"
        return [f"The progressive shows an action going on {when}. Which helping verb fits the subject, and "
                "what ending goes on the main verb?"]
    if "present perfect" in low:
        return ["The present perfect uses has or have. Which one goes with a subject like she?"]
    if "past perfect" in low:
        return ["The past perfect is for the action that happened first, before another past action. "
                "Which helping word does it use?"]
    if "subjunctive" in low or re.search(r"\bif (?:i|she|he|we|they)\b", low):
        return ["This is about something that isn't true or didn't happen. Which verb form do we use for a wish "
                "or an if-idea like that?"]
    if "participle" in low:
        return [f"After have or has, you need the past participle, not the simple past. "
                f"What form of {base or 'the verb'} fits 'I have ___'?"]
    if re.search(r"\blay or laid\b|\blie\b", low):
        return ["Is someone resting here, or putting something down? If it is resting, what is the past tense of lie?"]
    if base and not answer:  # the answer is not known (serving, a verb the tables do not hold)
        return [f"Say it in a sentence: 'Yesterday I ...'. Does {base} just take -ed, or is it a special verb?"]
    if base and answer.lower() == f"{base}{base[-1]}ed":
        return [f"{base.capitalize()} ends in a short vowel and one consonant. What do you do to that last letter "
                "before adding -ed?"]
    if base and re.fullmatch(rf"{base}ed|{base}d|{base[:-1]}ied", answer.lower()):
        return [f"{base.capitalize()} is a regular verb. How do regular verbs show that something already happened?"]
    if base:
        return [f"{base.capitalize()} is a special verb that does not take -ed. What is its past form, like in "
                "'Yesterday I ...'?",
                f"{base.capitalize()} is an irregular verb. How does it change for the past?"]
    return ["Is this about the past, the present or the future? Which form of the verb fits that time?"]


# The job of each part of speech, asked as a question; keys are answers, none of the hints names its key.
POS_HINTS = {
    "noun": "Does the word name a person, place, thing or idea, or does it show an action?",
    "verb": "Does the word name a thing, or is it something you do? Try putting 'I' or 'we' in front of it.",
    "adjective": "Which word does it describe: a person or thing, or an action? Does it tell what kind?",
    "adverb": "Does the word tell how, when or where something happens, or describe a thing?",
    "pronoun": "Does the word name someone directly, or stand in for a name?",
    "preposition": "Which word shows where something is, like the position of one thing to another?",
    "conjunction": "Which small word joins the two parts of the sentence together?",
    "interjection": "Does the word show a sudden feeling, all by itself at the start?",
    "gerund": "Is the -ing word doing the job of a thing (a name for an activity), or describing something?",
    "participle": "Is the word describing a thing, like an adjective, or naming an activity?",
    "infinitive": "Look at 'to' plus a verb. Is it a place word with a noun, or a verb form?",
    "passive": "Who does the action here? Is the subject doing it, or is something done to the subject?",
    "active": "Who does the action here? Is the subject doing it, or is something done to the subject?",
    "dependent clause": "Could those words stand alone as a full sentence? Read them by themselves.",
    "independent clause": "Could those words stand alone as a full sentence? Read them by themselves.",
    "prepositional phrase": "Do those words have their own subject and verb, or do they start with a place word?",
    "subordinating conjunction": "Does the word join two equal parts, or make one part depend on the other?",
    "reflexive pronoun": "Does the word point back to the person who did the action?",
    "object pronoun": "Is the word doing the action, or receiving it after the verb or a word like 'to'?",
    "subject pronoun": "Is the word doing the action, or receiving it?",
}


def _pos(prompt: str, answer: str) -> list[str]:
    low, ans = prompt.lower(), answer.lower().rstrip(".")
    hint = POS_HINTS.get(ans) or POS_HINTS.get(ans.split()[-1] if ans.split() else "")
    out = [hint] if hint else []
    if "good or well" in low:
        out.insert(0, "Which word describes an action: the one for things, or the one for how something is done?")
    if re.search(r"\bme and\b|\band i\b", low):
        out.insert(0, "Try each person alone at the start of the sentence. Which sounds right?")
    if re.search(r"which word is the|find the|what is the conjunction", low):
        out.append("Ask what job each word does in the sentence. Which one matches what the question asks for?")
    return out + ["Ask what job the word does in the sentence. Is it naming, doing, or describing?"]


# Word parts a child can use as a clue; the hint asks what the part means.
WORD_PARTS = [("un", "prefix"), ("re", "prefix"), ("pre", "prefix"), ("dis", "prefix"), ("mis", "prefix"),
              ("mal", "prefix"), ("sub", "prefix"), ("inter", "prefix"), ("non", "prefix"), ("trans", "root"),
              ("auto", "root"), ("bio", "root"), ("dict", "root"), ("bene", "root"), ("tele", "root"),
              ("micro", "root"), ("less", "suffix"), ("ful", "suffix"), ("able", "suffix"), ("ness", "suffix")]


# Word pairs children mix up, and the question that tells them apart (naming neither as the answer).
CONFUSABLE = {
    frozenset({"affect", "effect"}): "Does the blank need an action word (a verb) or a thing (a noun)? "
                                     "Which choice does that job?",
    frozenset({"imply", "infer"}): "Who is doing the figuring out here: someone hinting, or someone working it "
                                   "out from clues?",
    frozenset({"then", "than"}): "Is the sentence comparing two things, or telling when something happens?",
    frozenset({"accept", "except"}): "Does the sentence mean taking something, or leaving something out?",
}


def _vocab(prompt: str, answer: str) -> list[str]:
    low = prompt.lower()
    if "opposite" in low or "antonym" in low:
        return ["An opposite is the other end, not a word that means almost the same. What is the other end?"]
    if "same as" in low or "synonym" in low:
        return ["A synonym means almost the same thing. What word could you swap in without changing the meaning?"]
    if "connotation" in low:
        return ["Would you like to be called this word? Does it give a good feeling or a bad one?"]
    if re.search(r"\bidiom|simile|allusion\b", low):
        return ["This is not meant word for word. What is it really saying about how much or what kind?",
                "Don't read it word for word. What picture is it trying to give you?"]
    if re.search(r"which word fits", low):
        pair = frozenset(re.findall(r"\b[a-z]+\b", low.rsplit("'", 1)[-1]))
        hint = next((h for words, h in CONFUSABLE.items() if words <= pair), None)
        return ([hint] if hint else []) + ["Read the sentence with each choice. Which one makes sense here?"]
    m = re.search(r"(?:prefix|root|suffix) '?(-?[a-z]+-?)'?", low)
    if m:
        part = m.group(1)
        examples = re.search(r"(?:as in|in) ([a-z]+)(?: and ([a-z]+))?", low[m.end():])
        if examples and examples.group(2):
            return [f"What do {examples.group(1)} and {examples.group(2)} have in common? What part do they share?",
                    f"Think of other words you know with {part}. What do they have in common?"]
        return [f"Think of other words you know with {part}. What do they have in common?"]
    target = _target(prompt, [r"what does (?:the \w+ )?'?([\w-]+)'? mean", r"what does ([\w-]+)", r"root (\w+)"])
    if target:
        for part, kind in WORD_PARTS:
            at_start = target.startswith(part) and kind != "suffix"
            if (at_start or (kind == "suffix" and target.endswith(part))) and len(target) > len(part) + 2:
                return [f"Look at the word parts. What does the {kind} {part}- mean?".replace(f"{part}-", f"-{part}")
                        if kind == "suffix" else f"Look at the word parts. What does the {kind} {part}- mean?",
                        "Look at the word parts. What does each part mean?"]
    if re.search(r"['\u2018\u201c\"][A-Z][^'\u2019\u201d\"]{8,}['\u2019\u201d\"]", prompt):
        return ["Look at the other words in the sentence. Which clue words tell you what it means?",
                "What would make sense in that sentence?"]
    return ["Think of a sentence where you have heard this word. What would make sense there?",
            "Look for clue words around it. What else tells you what it means?"]


# Punctuation rules a child can check; (pattern on prompt or misconception, hint)
PUNCT_RULES = [
    (r"end mark", "Is the sentence asking something, or telling something? Which end mark fits that?"),
    (r"run-on", "This is two full sentences. How can you join or split them the right way?"),
    (r"\byes\b", "A word like yes at the start of a sentence gets set off. Which mark does that?"),
    (r"\bits\b|it's", "Try reading it as 'it is'. Does that make sense, or does it show belonging?"),
    (r"\b(?:their|there) \w+ing\b|they're", "Try reading it as 'they are'. Does that make sense here?"),
    (r"\byour \w+ing\b|you're", "Try reading it as 'you are'. Does that make sense here?"),
    (r"\bwhose\b|who's", "Try reading it as 'who is'. Does that make sense here?"),
    (r"quotation|dialogue|said,|asked",
     "Do the end marks of what someone says go inside or outside the quotation marks?"),
    (r"however", "A word like however that joins two sentences needs a strong mark before it. What goes after it?"),
    (r"dash", "An interruption needs a mark where it starts and where it ends. Where does it end?"),
    (r"colon|things i need|needs:",
     "A colon comes after a full sentence, right before a list. Is there a full sentence before the list?"),
    (r"apostrophe|\bkids\b|childrens|james",
     "Who owns the thing? Is that word plural already? Where does the apostrophe go then?"),
    (r"adjectives|green shirt", "Could you put 'and' between the describing words? If yes, use a comma; if no, don't."),
    (r"after the|introductory", "Where do you pause after the opening part of the sentence, before the main part?"),
    (r"who lives|, which|nonrestrictive|only have one",
     "Is the extra part needed to know who you mean? If not, it needs a mark on each side."),
    (r"dallas|city|, texas", "A city and its state get separated. What goes between them, and after the state?"),
    (r"apples|list", "In a list, what mark goes between the items? Does one go after 'and'?"),
]


def _punct(prompt: str, misconception: str | None) -> list[str]:
    out = [hint for text in (misconception or "", prompt) for pattern, hint in PUNCT_RULES
           if re.search(pattern, text.lower())]
    return list(dict.fromkeys(out))[:2] + ["Read the sentence out loud. Where do you pause, and where does it stop?"]


def ela_steps(topic: str | None, prompt: str, answer: str | None, misconception: str | None = None) -> list[str]:
    """Hint candidates for an ELA item, best first (``answer`` None or "": not known; no hint then
    depends on it)."""
    answer = answer or ""
    if topic == "plurals":
        return _plural(prompt, answer)
    if topic == "verb_tenses":
        return _verb(prompt, answer)
    if topic == "parts_of_speech":
        return _pos(prompt, answer)
    if topic == "vocabulary":
        return _vocab(prompt, answer)
    if topic == "punctuation":
        return _punct(prompt, misconception)
    return []
