"""A small learned classifier for the key child-safety categories and the ones rules alone missed.

Hand-written rules are precise but miss new wordings of the same thing
(docs/safety.md has the held-out figures). This model catches more of them:
TF-IDF of words (1-2 grams) and characters (3-5 grams, robust to spelling) of
the normalised text, and one logistic regression per category: the four key
ones (``self_harm``, ``sexual``, ``grooming``, ``personal_info``) and, since
round 2, ``abuse_disclosure``, ``violence``, ``drugs_weapons``,
``dangerous_challenge``, ``hate``, ``bullying`` and ``jailbreak``. It is trained on
``train.jsonl`` in this directory (hand-written, labelled; disjoint from the
evaluation set and the blind held-out sets, which a test checks) the first time it
is needed: about three seconds on two cores, deterministic, nothing downloaded,
nothing pickled to disk. Scoring goes through ``fastlinear`` (numpy sums equal to
scikit-learn's ``predict_proba``, without its ~2 ms per-call overhead).

Every row of ``train.jsonl`` serves as a negative for the categories it is
not labelled with (except a neighbouring category's rows, see ``NEIGHBOURS``), so
school content (history, biology, literature, computing) teaches the model what is benign.

Run as: ``python -m brain.safety.classifier "text"`` (prints the probabilities).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from brain.safety.fastlinear import FastLinear, expit

TRAIN_SET = Path(__file__).with_name("train.jsonl")
KEY_MODEL_CATEGORIES = ("self_harm", "sexual", "grooming", "personal_info")
# Round 2: the rules alone generalised worst on these (blind r8: violence and hate 0/5), so the model
# speaks for them too, trained on hand-written batches of their own (docs/safety.md).
MODEL_CATEGORIES = KEY_MODEL_CATEGORIES + (
    "abuse_disclosure", "violence", "drugs_weapons", "dangerous_challenge", "hate", "bullying", "jailbreak")
# A text labelled with a neighbouring category is left out of a category's model (neither a positive
# nor a negative): "send a picture of yourself" is grooming *and* personal information, a pipe bomb
# is a weapon for drugs_weapons too, a slur at a classmate is bullying and hate. Training such texts
# as negatives taught each model to pick one category and miss the other (r8's personal_info misses).
NEIGHBOURS = {
    "self_harm": {"dangerous_challenge", "specialized_advice", "abuse_disclosure"},
    "sexual": {"grooming", "sex_crime", "abuse_disclosure"},
    "grooming": {"sexual", "personal_info", "abuse_disclosure", "sex_crime"},
    "personal_info": {"grooming"},
    "abuse_disclosure": {"grooming", "violence", "sexual", "sex_crime", "self_harm"},
    "violence": {"drugs_weapons", "indiscriminate_weapons", "abuse_disclosure", "bullying", "sex_crime",
                 "dangerous_challenge", "hate", "crime"},
    "drugs_weapons": {"indiscriminate_weapons", "violence", "dangerous_challenge", "specialized_advice", "crime"},
    "dangerous_challenge": {"self_harm", "drugs_weapons", "violence", "indiscriminate_weapons"},
    "hate": {"bullying", "profanity", "violence"},
    "bullying": {"hate", "profanity", "violence", "defamation"},
    "jailbreak": {"code_abuse"},
}
_lock = threading.Lock()

# A model hit counts only when the text says something on the category's topic: short
# generic texts ("See you tomorrow, bye!") otherwise get their probability from words
# like "you". The gates are broad on purpose (they cost little recall; see docs/safety.md).
GATES = {
    "self_harm": re.compile(
        r"\b(?:die|dying|dead|death|kill\w*|hurt\w*|harm\w*|cut\w*|suicid\w*|alive|live|living|life|end\w*|pills?|"
        r"meds|medicine|overdos\w*|od|razors?|blades?|knife|bleed\w*|blood|starv\w*|eat\w*|food|skinny|thin|fat|weight|"
        r"throw up|puke|worthless|useless|hate myself|burden|disappear|vanish|gone|goodbye|bye|note|letter|sleep|wake|"
        r"jump\w*|bridge|roof|hang\w*|noose|rope|pain|numb|empty|give up|giving up|point|care|miss me|matter|exist\w*|"
        r"scars?|wrists?|choke|drown|traffic|train|deserve|better off|without me|myself|tired of|can't take|anymore|"
        r"goodbyes?|burn\w*|belong|earth|world|balcony|lake|river|gun|shot|knife|drawer|cabinet|faint\w*|last|future|ghost|heaven|"
        r"funeral|pointless|burden|relieved|fade|forever|tired|done|quit|decided|plan\w*|calories|purg\w*|laxatives?|marks|bruises?)\b"),
    "sexual": re.compile(
        r"\b(?:sex\w*|naked|nude\w*|porn\w*|boob\w*|breasts?|penis|vagina|dick|cock|pussy|privates?|private parts|"
        r"kiss\w*|bed|body|bodies|clothes|underwear|bra|panties|lingerie|bikini|swimsuit|hot|hottest|sexy|touch\w*|strip\w*|"
        r"seduc\w*|virgin\w*|wedding night|romance|romantic|love|lover|make out|making out|girlfriend|boyfriend|horny|"
        r"twerk\w*|18\+|naughty|dirty|spicy|steamy|erotic|nsfw|onlyfans|hard|erect\w*|masturbat\w*|orgasm|condom|"
        r"blow ?job|thot|flirt\w*|sleep with|in bed|undress\w*|topless|butt|booty|ass)\b"),
    "grooming": re.compile(
        r"\b(?:secret\w*|alone|yourself|parents?|mom|dad|mum|mother|father|family|meet\w*|hang out|pics?|pictures?|photos?|"
        r"selfies?|camera|cam|webcam|video|facetime|call|cute|pretty|beautiful|hot|sexy|mature|grown ?up|age|old|snap\w*|"
        r"insta\w*|discord|kik|whatsapp|tiktok|telegram|private\w*|home|house|bedroom|room|bed|wearing|wear|love|special|"
        r"trust|tell|know|delete|gift|present|robux|v-?bucks|money|buy|pick you up|drive|car|sneak\w*|school|park|"
        r"strict|boyfriend|girlfriend|kiss\w*|friends?|swimsuit|underwear|pajamas|bath\w*|shower)\b"),
    "personal_info": re.compile(
        r"\b(?:address\w*|live|lives|living|phone|number|cell|email|e-mail|name|school|password|passcode|pin|birthday|born|"
        r"birth|street|city|town|zip|where|house|home|apartment|snap\w*|insta\w*|discord|username|login|location|"
        r"located|@|social security|ssn|credit card|wifi|age|grade|class|teacher)\b|\d{3}"),
    "abuse_disclosure": re.compile(
        r"\b(?:mom\w*|mum|dad\w*|mother|father|step\w*|parents?|uncle|aunt\w*|grand\w*|brother|sister|cousin|"
        r"babysitter|nanny|coach|teacher|tutor|boyfriend|girlfriend|foster|guardian|adult|grown ?ups?|neighbou?r|"
        r"pastor|priest|he|she|they|him|her|them|someone|man|woman|guy)\b"),
    "violence": re.compile(
        r"\b(?:kill\w*|murder\w*|hurt\w*|harm\w*|hit|hits|hitting|punch\w*|kick\w*|stab\w*|shoot\w*|shot|slap\w*|"
        r"beat\w*|fight\w*|attack\w*|chok\w*|strangl\w*|push\w*|shove\w*|trip\w*|throw\w*|burn\w*|fire|poison\w*|"
        r"break\w*|broke|bleed\w*|blood\w*|bruis\w*|knife|knives|gun\w*|bat|rock|brick|weapon\w*|revenge|pain\w*|"
        r"suffer\w*|tortur\w*|drown\w*|smash\w*|bash\w*|jump\w*|destroy\w*|die|dead|death|throat|face|neck|nose|"
        r"stairs|injur\w*|scar\w*|mark|hospital|cry|scream\w*|pass out|knock\w*|teach \w+ a lesson|get back at|pay)\b"),
    "drugs_weapons": re.compile(
        r"\b(?:drugs?|high|drunk|stoned|wasted|buzzed|pills?|meds|smok\w*|vap\w*|juul\w*|snort\w*|weed|pot|edibles?|"
        r"thc|cbd|carts?|alcohol|beer|wine|vodka|liquor|booze|shots?|cigs?|cigarettes?|nicotine|zyn|pouches|adderall|"
        r"xanax|molly|coke|cocaine|meth|lean|syrup|joint|blunt|bong|dab\w*|gun\w*|pistol|rifle|firearm|ammo|bullets?|"
        r"safe|knife|knives|blade|shiv|switchblade|taser|weapon\w*|sharpen\w*|brass knuckles|pepper spray|3d print\w*|"
        r"fake id|dealer|plug|stash|lighter|bottle)\b"),
    "dangerous_challenge": re.compile(
        r"\b(?:challenge\w*|dares?|dared|trend\w*|tiktok|video|film\w*|views|likes|hold\w*|breath|pass out|faint\w*|"
        r"choke|choking|blackout|black out|pods?|benadryl|tracks|fire|flames?|outlet|socket|penny|chroming|huff\w*|"
        r"spray|markers?|salt|ice|cinnamon|nutmeg|swallow\w*|eat\w*|drink\w*|jump\w*|roof|skull|stunt\w*|"
        r"lighter|gasoline|bleach|duster|magnets?|batter(?:y|ies)|surf\w*|car|train)\b"),
    "hate": re.compile(
        r"\b(?:black|white|asian\w*|chinese|mexican\w*|jew\w*|muslim\w*|islam\w*|christian\w*|hindu\w*|sikh\w*|arab\w*|"
        r"gay\w*|lesbian\w*|trans\w*|queer|lgbt\w*|immigrant\w*|refugee\w*|latin\w*|hispanic\w*|indian\w*|african\w*|"
        r"native\w*|disabled|disabilit\w*|autis\w*|girls|women|woman|boys|men|race|races|racis\w*|religio\w*|country|"
        r"countries|foreign\w*|accent\w*|skin|colou?r|people|folks|those|group\w*|cultur\w*|ethnic\w*|korean\w*|"
        r"japanese|vietnamese|filipin\w*|russian\w*|ukrain\w*|irish|italian\w*|polish|gyps\w*|roma|pakistan\w*|"
        r"somali\w*|haitian\w*|nigerian\w*|deaf|blind|wheelchair|kind|species|breed|god)\b"),
    "bullying": re.compile(
        r"\b(?:you|your|you're|yourself|him|her|them|he|she|they|kid|kids|classmate\w*|friend\w*|everyone|everybody|"
        r"nobody|no one|group chat|chat|class|names?|call|roast\w*|insult\w*|mean|embarrass\w*|humiliat\w*|laugh\w*|"
        r"ugly|fat|stupid|dumb|loser|weird\w*|annoying|hate\w*|exclud\w*|ignor\w*|unfriend\w*|block\w*|rumou?r\w*|"
        r"post\w*|fake|poll|meme\w*|prank\w*|teas\w*|pick on|cry|crying|lunch|table|party|invite\w*|except)\b"),
    "jailbreak": re.compile(
        r"\b(?:rules?|instructions?|prompts?|filter\w*|safety|safe|mode|restrict\w*|guidelines?|pretend|roleplay|"
        r"role[- ]?play|act|acting|character|persona|now|longer|ignor\w*|disregard|forget|bypass|unlock\w*|jailbr\w*|"
        r"dan|developer|dev|admin|system|override|censor\w*|unfiltered|uncensored|limits?|free|refus\w*|anything|"
        r"base64|encod\w*|cod(?:e|ed)|polic(?:y|ies)|programming|programmed|moderat\w*|verified|permission|grandma|"
        r"game|bot|ai|model|settings?|disable\w*|turn off|off|switch\w*|evil|tutor)\b"),
}
# A disclosure is told by the child ("my stepdad ... me"): on input, the abuse model also needs a first
# person, whatever its probability ("keep this our secret and don't tell your mom" is grooming).
FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|me|my|myself|mine)\b")
INPUT_REQUIRES = {"abuse_disclosure": FIRST_PERSON}
# A confident model (probability >= GATE_BYPASS) needs no topical word: indirect wordings ("I want to
# fade away and let everyone move on", "our chats are just for us") have none. On the shipped and
# development benign sets 0.7 adds no false positive (0.6 adds one, no gate at all five).
GATE_BYPASS = 0.7
# ... except in very short texts, where a couple of n-grams decide the probability on their own
# ("i dont get it", "tell me more" scored above 0.7 on self_harm and grooming in cross-validation).
SHORT_TEXT_WORDS = 5
# The categories added in round 2 have fewer, narrower training examples and busy benign neighbours
# (family life next to abuse disclosure, friendly roasts next to bullying, "safety rules" next to
# jailbreaks). Their model hit needs a higher probability than AIVO_SAFETY_MODEL_THRESHOLD: chosen
# by 5-fold cross-validation over the round-2 training batches (docs/safety.md), where these floors
# kept 0.80 of the model's recall on those categories for about half of its benign false positives.
MIN_PROBABILITY = {"abuse_disclosure": 0.7, "bullying": 0.7, "violence": 0.6, "drugs_weapons": 0.6,
                   "dangerous_challenge": 0.6, "hate": 0.6, "jailbreak": 0.7}
# School and help-seeking context in which a model-only hit is not the harm (the rules
# have the same exceptions as their ``unless``).
VETOES = {
    "self_harm": re.compile(
        r"\b(?:my|a|our) (?:friend|classmate|brother|sister|cousin)\b[^.?!]{0,30}\b(?:says?|said|wants?|told me|is|thinks)\b|"
        r"\bsee you (?:tomorrow|later|soon|next|in|on|at|there|after|monday|tuesday|wednesday|thursday|friday|guys)\b|\b(?:bored|embarrass\w*|laugh\w*|hungry|so funny)\b|"
        r"\bdying (?:to|for) (?:know|see|find out|try|go|meet|hear|tell|read|play|get)\b|\b(?:hurt|hurting|hurts) (?:her|his|their|your|my|someone's|anyone's) feelings\b|"
        r"\b(?:health class|report|essay|project|awareness|prevention|warning signs)\b|"
        r"\b(?:funerals?|eulogy|obituary|memorial|poems?|poet|poetry|dickinson|in the (?:poem|book|story|novel))\b"),
    "grooming": re.compile(
        r"\b(?:should|can|could|do) (?:kids|children|students)\b|\bis it safe\b|\bwhat (?:should|do) i do if\b|"
        r"\bhow (?:do|can) (?:i|kids|we) stay safe\b|\bstranger danger\b"),
    "sexual": re.compile(
        r"\bsexual (?:harassment|abuse|assault|orientation|health)\b|\bwhat is (?:consent|puberty)\b|\breport it\b|"
        r"\bhealth class\b|\bsex (?:cells?|chromosomes?|education|ed)\b|\breproduc\w*|\bcpr\b|\bfirst aid\b"),
    "personal_info": re.compile(
        r"\bwhite house\b|\bpresident\b|\bmuseum\b|\beiffel\b|\bfor (?:example|a letter|the envelope)\b|"
        r"\b(?:my|the|our) school's (?:address|phone number)\b|\bletter to (?:the|my|our) (?:principal|teacher|mayor|pen pal)\b|"
        r"\bwhat (?:should|do|can) i do (?:if|when)\b|\bwhat to do (?:if|when)\b"),
    "abuse_disclosure": re.compile(
        r"\b(?:at|in) (?:chess|checkers|a game|the game|games|fortnite|minecraft|roblox|uno|cards|tag|basketball|soccer|"
        r"a race|mario kart|smash)\b|\b(?:pillow fights?|tickl\w*|play ?fight\w*|by accident|accidentally|in the (?:story|book|movie|play))\b"),
    "violence": re.compile(
        r"\b(?:history|historical|ancient|medieval|century|world war|ww1|ww2|wwii|civil war|revolution\w*|empire|"
        r"in the (?:book|novel|movie|film|poem|chapter|myth)|character|author|minecraft|fortnite|roblox|zelda|"
        r"pokemon|video game|in the game|self[- ]defen[cs]e|what (?:should|do|can) i do|how (?:do|can|should) i "
        r"(?:stop|protect|report|handle|deal|help)|(?:is|keeps?|was) (?:hitting|hurting|punching|kicking|pushing) me|"
        r"warning signs?|first aid|safety lesson|news report|(?:kids|people|children|players|athletes|someone) get (?:hurt|injured)|injur(?:y|ies))\b"
        # idioms: "my mom is going to kill me", "I could kill him lol"
        r"|\b(?:going to|gonna|will|'ll|would|could) (?:kill|murder|strangle) me\b|"
        r"\b(?:kill|murder|strangle)\w* (?:him|her|them|you|me|my \w+)\b[^.?!]{0,40}\b(?:lol|lmao|haha|jk)\b"),
    "drugs_weapons": re.compile(
        r"\b(?:health class|report|essay|poster|project|d\.?a\.?r\.?e|awareness|dangers?|effects? of|why (?:is|are) "
        r"(?:\w+ )?(?:bad|dangerous|illegal|addictive)|say no|peer pressure|how (?:do|can) i (?:help|tell|stop|quit)|"
        r"quit(?:ting)?|what (?:should|do) i do|history|historical|told a teacher|should i tell)\b"),
    "dangerous_challenge": re.compile(
        r"\b(?:why (?:is|are) (?:it|they|that|this|the \w+(?: \w+)? challenge) (?:so )?(?:dangerous|bad)|dangers?|"
        r"warn\w*|report|essay|news|article|stay safe|should i tell|what (?:should|do) i do|"
        r"(?:math|spelling|reading|book|coding|science|plank|fitness|kindness|ice bucket|water|mannequin|running|step|"
        r"push-?up|squat|art|drawing|baking|lego|cup|bottle flip|hula hoop|jump rope|trivia|vocab\w*) challenge)\b"),
    "hate": re.compile(
        r"\b(?:history|historical|civil rights|segregation|jim crow|apartheid|holocaust|propaganda|stereotypes? "
        r"(?:is|are) (?:wrong|harmful|unfair|hurtful)|is (?:it|that|this) (?:wrong|racist|offensive|sexist)|"
        r"how (?:do|can|should) i (?:respond|stop|deal|report|handle)|what (?:should|do) i (?:do|say)|"
        r"(?:someone|a kid|he|she|they|people|kids) (?:called|calls|call) me|anti-?racis\w*|discriminat\w* is|"
        r"hitler|nazis?|why did|why do (?:some )?people|is (?:that|it|this) fair|what does \w+ mean|what is (?:a |an )?\w+)\b"),
    "bullying": re.compile(
        r"\b(?:what (?:should|do|can) i do|how (?:do|can|should) i (?:respond|stop|deal|handle|help|report|"
        r"make (?:it|them|him|her) stop|tell)|(?:is|are|was|were|keeps?|keep) (?:being )?(?:bullying|teasing|"
        r"picking on|making fun of|mean to) me|bull(?:y|ied|ies) me|(?:called|calls|call) me|anti-?bullying|"
        r"is it bullying|trusted adult|friendly|compliments?|apologi\w*|say sorry|in the (?:story|book|play)|character)\b"),
    "jailbreak": re.compile(
        r"\b(?:jailbreak (?:game|in roblox|on roblox)|roblox jailbreak|prison break|escape room|"
        r"ignore (?:my|the) (?:last|previous) (?:question|message|typo|answer))\b"),
}
# A veto does not hold when the text turns the school or help-seeking frame on the child itself
# ("for my science project ... I want to try it on myself tonight").
VETO_OVERRIDES = {
    "self_harm": re.compile(
        r"\b(?:try|test|do) (?:it|this|that) (?:on|to) (?:myself|me)\b|\b(?:asking|it's|its) for (?:myself|me)\b|"
        r"\bbut (?:it's|its|it is) (?:really )?(?:about|for) me\b|\bi(?:'m| am) (?:serious|not joking)\b|"
        r"\b(?:i'll|i will|gonna|going to|want to|i'm going to) (?:test|try) (?:it|this|that)\b|"
        r"\bmy (?:own )?(?:funeral|eulogy|obituary)\b"),
}
# In the output direction, the model giving protective advice is not the harm it describes.
PROTECTIVE_ADVICE = re.compile(
    r"\btrusted adult\b|\b(?:never|don't|do not)\s+(?:\w+\s+){0,2}(?:share|give|send|meet|keep secrets|tell (?:a )?stranger)|"
    r"\bwarning sign|\btell (?:a|your) (?:parent|teacher|grown ?up|school counselor)|\b988\b|\bchildline\b|\bstay safe\b"
)


class CategoryClassifier:
    """One binary logistic regression per category over shared TF-IDF features."""

    def __init__(self, texts: list[str], labels: list[list[str]], categories=MODEL_CATEGORIES, *,
                 normalizer=None, features=None):
        """``normalizer`` and ``features`` (an unfitted union of TF-IDF vectorisers) default to the English
        model's; ``brain.safety.lang`` passes its own for the multilingual model."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_union

        from brain.safety.normalize import classifier_view as normalize  # normalised, hyperbole idioms rewritten

        normalize = normalizer or normalize
        self._normalize = normalize
        self.categories = tuple(categories)
        self.features = features or make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2),
        )
        x = self.features.fit_transform([normalize(t) for t in texts])
        self.models = {}
        for cat in self.categories:
            # Rows of a neighbouring category (and not of this one) are neither positives nor negatives.
            neighbours = NEIGHBOURS.get(cat, set())
            keep = np.array([cat in row or not neighbours.intersection(row) for row in labels])
            y = np.array([cat in row for row in labels])[keep]
            if not y.any():
                raise ValueError(f"no training example labelled {cat!r}")
            model = LogisticRegression(C=8.0, class_weight="balanced", solver="liblinear")
            self.models[cat] = model.fit(x[keep], y)
        # scikit-learn's per-call overhead is ~2 ms a text; the same sums in numpy take ~0.1 ms.
        self._fast = FastLinear(
            [v for _, v in self.features.transformer_list],
            np.vstack([self.models[c].coef_.reshape(1, -1) for c in self.categories]),
            np.array([float(self.models[c].intercept_[0]) for c in self.categories]),
        )

    def predict_sklearn(self, texts: list[str]) -> list[dict[str, float]]:
        """``predict`` through scikit-learn's own calls (slow; the reference for tests)."""
        x = self.features.transform([self._normalize(t) for t in texts])
        probs = {cat: m.predict_proba(x)[:, 1] for cat, m in self.models.items()}
        return [{cat: float(probs[cat][i]) for cat in self.categories} for i in range(len(texts))]

    def predict(self, texts: list[str]) -> list[dict[str, float]]:
        """Probability of each category for each text (the model's, before any gate)."""
        out = []
        for text in texts:
            probs = expit(self._fast.decision(self._normalize(text)))
            out.append({cat: float(p) for cat, p in zip(self.categories, probs, strict=True)})
        return out

    def flagged(self, text: str, direction: str, threshold: float) -> tuple[list[str], dict[str, float]]:
        """Categories the model flags (probability >= threshold, topic gate passed), and the probabilities."""
        probs = self.predict([text])[0]
        norm = self._normalize(text)
        if direction == "output" and PROTECTIVE_ADVICE.search(norm):
            return [], probs
        out = []
        bypass_ok = len(norm.split()) >= SHORT_TEXT_WORDS
        for c, p in probs.items():
            floor = max(threshold, MIN_PROBABILITY.get(c, 0.0))
            if direction == "input" and c in INPUT_REQUIRES and not INPUT_REQUIRES[c].search(norm):
                continue
            if p >= floor and ((bypass_ok and p >= max(floor, GATE_BYPASS)) or GATES[c].search(norm)) and (
                    not VETOES[c].search(norm) or (c in VETO_OVERRIDES and VETO_OVERRIDES[c].search(norm))):
                out.append(c)
        return out, probs


def load_training_set(path: str | Path = TRAIN_SET) -> tuple[list[str], list[list[str]]]:
    texts, labels = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(list(row.get("labels", [])))
    return texts, labels


@lru_cache(maxsize=2)
def get_classifier(path: str = str(TRAIN_SET)) -> CategoryClassifier:
    """The classifier trained on ``path`` (once per process)."""
    with _lock:
        return CategoryClassifier(*load_training_set(path))


if __name__ == "__main__":
    start = time.perf_counter()
    clf = get_classifier()
    print(f"trained in {time.perf_counter() - start:.2f} s")
    for text in sys.argv[1:]:
        print(json.dumps({"text": text, **{k: round(v, 3) for k, v in clf.predict([text])[0].items()}}))
