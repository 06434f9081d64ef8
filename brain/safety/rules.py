"""Categories and rules: what an offline profanity classifier misses for children.

Each rule is a regular expression over *normalised* text (lower case, leetspeak
and chat spelling undone: "u r" -> "you are", "k1ll" -> "kill", "wanna" ->
"want to") with an optional ``unless`` expression looked for around the match
(the school context that makes it benign: "kill the *process*", "*sex
chromosomes*", "*bath* bomb"). Rules look for intent and context (who does
what to whom), not single words, so history, biology and literature pass.

Categories keep stable ids; ``llama_guard`` names the Llama Guard 3 hazard
code (S1-S14) where one applies. The order of ``CATEGORIES`` is the priority
used to pick the message a child sees when several categories fire.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Category:
    id: str
    llama_guard: str | None
    title: str
    support: bool = False  # answer kindly with help resources instead of a refusal
    escalate: bool = False  # tell the trusted-adult webhook


CATEGORIES: dict[str, Category] = {
    c.id: c
    for c in [
        Category("self_harm", "S11", "Suicide, self-harm and disordered eating: disclosure, intent, methods",
                 support=True, escalate=True),
        Category("abuse_disclosure", "S4", "A child saying an adult hurts or touches them, or asks for secrets",
                 support=True, escalate=True),
        Category("grooming", "S4", "Grooming and contact-seeking: secrets from parents, meeting, photos, "
                 "home alone, moving to private apps", escalate=True),
        Category("sexual", "S12", "Sexual content (biology and puberty education excluded)"),
        Category("sex_crime", "S3", "Sex-related crimes: assault, voyeurism, drugging"),
        Category("personal_info", "S7", "Requests for (or sharing of) a child's personal information"),
        Category("violence", "S1", "Violent crimes and threats against people or animals"),
        Category("indiscriminate_weapons", "S9", "Making bombs, explosives, chemical or biological weapons"),
        Category("dangerous_challenge", None, "Dangerous viral challenges, huffing, choking games"),
        Category("drugs_weapons", "S2", "Getting or using drugs, alcohol, vapes or weapons"),
        Category("hate", "S10", "Hate speech, slurs, dehumanising groups, Holocaust denial"),
        Category("bullying", None, "Insults at a person, mean messages, rumours, exclusion"),
        Category("crime", "S2", "Non-violent crimes: theft, hacking accounts, fraud, vandalism"),
        Category("specialized_advice", "S6", "Medication doses and medical, legal advice for a child"),
        Category("defamation", "S5", "False, damaging claims about a real person"),
        Category("elections", "S13", "Election misinformation and voter suppression"),
        Category("ip", "S8", "Piracy, cracked software, copying whole copyrighted works"),
        Category("code_abuse", "S14", "Code-interpreter abuse: shell payloads, sandbox escape, secrets"),
        Category("jailbreak", None, "Attempts to switch off the assistant's rules (Prompt Guard's class)"),
        Category("profanity", None, "Swearing (alt-profanity-check classifier + a short word list)"),
    ]
}


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    pattern: re.Pattern
    unless: re.Pattern | None = None
    directions: frozenset[str] = field(default_factory=lambda: frozenset({"input", "output"}))


RULES: list[Rule] = []


def _rule(category: str, name: str, pattern: str, unless: str | None = None,
          directions: tuple[str, ...] = ("input", "output")) -> None:
    assert category in CATEGORIES, category
    RULES.append(Rule(
        name=f"{category}.{name}",
        category=category,
        pattern=re.compile(pattern, re.IGNORECASE),
        unless=re.compile(unless, re.IGNORECASE) if unless else None,
        directions=frozenset(directions),
    ))


# ---------------------------------------------------------------------------- normalising
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "€": "e"})
# A word mixing letters and look-alike digits/symbols ("k1ll", "s3x", "n00d"); punctuation after it
# ("d1e.", "p0rn!") ends the word and stays as it is.
_LEET_TOKEN = re.compile(r"(?<!\S)(?=[^\s]*[a-z])(?=[^\s]*[0134579@$!|€][^\s]*[a-z]|[^\s]*[a-z][^\s]*[0134579@$!|€])"
                         r"[a-z0134579@$!|€]{3,}?(?=[.,;:?!)\]\"']*(?:\s|$))")
_NOT_LEET = re.compile(r"^\d+(?:st|nd|rd|th|s|am|pm|k|m|cm|mm|km|kg|g|lb|lbs|x|d|h|min|mph)$")
_SLANG = {
    "u": "you", "ya": "you", "yu": "you", "yuo": "you", "ur": "your", "yur": "your", "yr": "your",
    "youre": "you're", "urself": "yourself", "yourslef": "yourself", "r": "are", "im": "i'm",
    "ima": "i'm going to", "imma": "i'm going to", "wanna": "want to", "wana": "want to",
    "gonna": "going to", "gunna": "going to", "gona": "going to", "gotta": "got to", "tryna": "trying to",
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't", "wont": "won't",
    "isnt": "isn't", "arent": "aren't", "ive": "i've", "whats": "what's", "wats": "what's",
    "wuts": "what's", "wat": "what", "wut": "what", "wht": "what", "whr": "where", "wher": "where",
    "pls": "please", "plz": "please", "ppl": "people", "sum1": "someone", "some1": "someone",
    "every1": "everyone", "evry1": "everyone", "no1": "no one", "noone": "no one", "bc": "because",
    "cuz": "because", "coz": "because", "abt": "about", "rly": "really", "lemme": "let me",
    "gimme": "give me", "kinda": "kind of", "hafta": "have to", "thru": "through", "pix": "pics",
    "pic": "pic", "mum": "mom", "mommy": "mom", "momma": "mom", "daddy": "dad", "addy": "address",
    "adress": "address", "addres": "address", "numba": "number", "nmbr": "number", "wanted": "wanted",
    "alot": "a lot", "yall": "you all", "ppls": "people", "sis": "sister", "bro": "brother",
    "skool": "school", "skl": "school", "scool": "school", "teh": "the", "nite": "night",
    "h8": "hate", "h8s": "hates", "gr8": "great", "l8r": "later", "b4": "before", "2day": "today",
    "2nite": "tonight", "2morrow": "tomorrow", "ne1": "anyone", "any1": "anyone", "4ever": "forever",
    "nood": "nude", "noods": "nudes", "noodz": "nudes", "nudez": "nudes", "nudie": "nude", "nudies": "nudes",
    "nudey": "nude", "nekkid": "naked", "seggs": "sex", "secks": "sex", "sexi": "sexy", "smexy": "sexy",
    "kil": "kill", "kll": "kill", "rn": "right now", "ngl": "not going to lie", "fr": "for real",
    "srsly": "seriously", "fone": "phone", "numbr": "number", "pasword": "password", "passwrd": "password",
    "bday": "birthday", "b-day": "birthday", "wen": "when", "luv": "love", "bcuz": "because", "becuz": "because",
    "r8": "rate", "cuase": "because", "tho": "though", "thx": "thanks", "ppl's": "people's", "skinnyer": "skinnier",
}
_STARRED = [(re.compile(p), w) for p, w in [
    (r"\bf[*#@%]+c?k", "fuck"), (r"\bf[*#@%]{2,}", "fuck"), (r"\bsh[*#@%!]+t", "shit"), (r"\bb[*#@%]+tch", "bitch"),
    (r"\ba[*#@%$]{1,2}hole", "asshole"), (r"\bc[*#@%]+nt", "cunt"), (r"\bd[*#@%]+ck", "dick"), (r"\bs[*#@%]+x\b", "sex"),
    (r"\bp[*#@%]+rn", "porn"), (r"\bn[*#@%]+de", "nude"),
]]
_SLANG_RE = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, sorted(_SLANG, key=len, reverse=True))) + r")(?![\w'])")
# Chat words written with digits ("no1", "sum1", "b4") are read before leetspeak would turn them into letters.
_DIGIT_SLANG_RE = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, sorted((k for k in _SLANG if re.search(r"\d", k)), key=len, reverse=True))) + r")(?![\w'])")


def _deleet(match: re.Match) -> str:
    token = match.group(0)
    return token if _NOT_LEET.match(token) else token.translate(_LEET)


def normalize(text: str) -> str:
    """Lower case, unicode folded, leetspeak and chat spelling undone, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u200b-\u200f\u2060\ufeff\u00ad]", "", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").replace("\u00b4", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"\b(mr|mrs|ms|dr|st|jr|sr|mt)\.", r"\1", text)  # "mrs. lee" is not a sentence end
    text = _DIGIT_SLANG_RE.sub(lambda m: _SLANG[m.group(1)], text)
    text = _LEET_TOKEN.sub(_deleet, text)
    for pattern, word in _STARRED:
        text = pattern.sub(word, text)
    text = re.sub(r"\b(want|wanna|need|going|have|got|how|like|try|trying|wish|ready|deserve)\s+2\b", r"\1 to", text)
    text = _SLANG_RE.sub(lambda m: _SLANG[m.group(1)], text)
    return re.sub(r"\s+", " ", text).strip()


def variants(text: str) -> list[str]:
    """The normalised text, plus stretched words squeezed ("pleeease", "diiie", "killlll")."""
    base = normalize(text)
    out = [base]
    for repl in (r"\1\1", r"\1"):
        squeezed = re.sub(r"([a-z])\1{2,}", repl, base)
        if squeezed not in out:
            out.append(squeezed)
    return out


def match_rules(text: str, direction: str) -> dict[str, list[str]]:
    """Categories whose rules fire on ``text``, with the names of the rules that fired."""
    hits: dict[str, list[str]] = {}
    for variant in variants(text):
        for rule in RULES:
            if direction not in rule.directions or rule.name in hits.get(rule.category, ()):
                continue
            for m in rule.pattern.finditer(variant):
                if rule.unless is not None:
                    window = variant[max(0, m.start() - 80): m.end() + 80]
                    if rule.unless.search(window):
                        continue
                hits.setdefault(rule.category, []).append(rule.name)
                break
    return hits


# ---------------------------------------------------------------------------- fragments
# Somebody wanting, planning or asking how to do something (first/second person, imperative).
INTENT = (
    r"(?:how (?:do|can|could|would|should|to|does one|do people|would someone)(?: i| we| you| someone| a kid| kids)?"
    r"|where (?:do|can|could|would|to|should)(?: i| we| you| someone| a kid| kids)?"
    r"|(?:i|we) (?:really |kind of |just |seriously )?(?:want|need|plan|wish|am going|'m going|will|'ll|am trying|'m trying|tried|would like|am about|'m about)(?: to)?"
    r"|i'm (?:going|trying|about|planning)(?: to)?|i am (?:going|trying|about|planning)(?: to)?"
    r"|help me|teach me|show me how to|tell me how to|explain how to|give me (?:steps|instructions|a way) to"
    r"|(?:best|easiest|fastest|quickest|cheapest|safest|simplest|good|sneaky) (?:way|ways|place|method|trick)s? to"
    r"|(?:what|which) (?:\w+ ){0,2}(?:do|can|should|would|could) (?:i|we|you)|what (?:\w+ )?(?:to|should i) use to"
    r"|ways? to|steps to|instructions (?:for|to|on how to)|tutorial on how to|let's|lets|can (?:you|i|we)|could (?:you|i|we)|should (?:i|we))"
)
PEOPLE = (
    r"(?:him|her|them|you|someone|somebody|anyone|anybody|everyone|everybody|people|a person|humans?"
    r"|(?:my|his|her|their|the|a|an|that|this|some|our|your|those|these|all the|every)\s+(?:\w+\s+)?"
    r"(?:mom|mother|dad|father|parents?|step ?(?:mom|dad)|brothers?|sisters?|siblings?|cousins?|teachers?|principal|coach|"
    r"friends?|classmates?|kids?|child|children|boys?|girls?|guys?|man|men|woman|women|person|people|neighbou?rs?|"
    r"baby|babies|grandma|grandpa|grandmother|grandfather|family|class|students?|bully|bullies|uncle|aunt|ex|"
    r"girlfriend|boyfriend|crush|enemy|enemies|cats?|dogs?|puppy|puppies|kittens?|pets?|hamsters?|animals?)"
    r"|(?:[a-z]+'s\s+)(?:mom|dad|brother|sister|cat|dog|pet|family|friend))\b"
)
GROUPS = (
    r"(?:(?:black|white|asian|chinese|mexican|jewish|muslim|gay|trans|indian|african|arab|latino|hispanic|native|disabled|autistic|immigrant|refugee) (?:people|kids|children|students|guys|girls|boys|men|women|families|folks)|"
    r"black people|blacks|white people|whites|asians|asian people|chinese people|chinese|mexicans|latinos|"
    r"hispanics|immigrants|refugees|jews|jewish people|muslims|muslim people|christians|hindus|sikhs|arabs|"
    r"indians|native americans|gay people|gays|lesbians|trans people|transgender people|disabled people|"
    r"autistic people|africans|gypsies|romani people|catholics|atheists|girls|women|fat people)"
)
SELF = r"(?:myself|my self|my own self)"
FIRST = r"(?:i|i'm|i am|i've|i have|i've been|i keep|i just|i really|i kind of|sometimes i|i feel like i|i think i|i still)"
CHILD_PERSONAL = (
    r"(?:home |house |real |full |last |first |sur|actual |exact |street |email |e-mail |mailing |cell |cell ?phone |"
    r"phone |mobile |mom's |dad's |parents' |parent's |family's )?"
    r"(?:address|phone number|phone|number|cell|cell ?phone number|email|e-mail|gmail|hotmail|yahoo|icloud|outlook|email address|password|passcode|pin|birthday|"
    r"date of birth|full name|real name|last name|surname|school|school's name|zip code|zipcode|postcode|location|"
    r"social security number|ssn|home|house|street|town|neighbou?rhood|snapchat|snap|insta|instagram|discord|"
    r"whatsapp|tiktok|kik|telegram|skype|facebook|fb|username|gamertag|roblox username|ip address|date of birth|birth ?date|"
    r"(?:mom's|dad's|mother's|father's|parents'|parent's|sister's|brother's) (?:name|names|job|work|workplace)|"
    r"apartment number|apartment|room number|house number|door code|gate code|alarm code|locker combination|locker number|bus number|student id|student number|wifi password|wi-fi password)"
)
APPS = r"(?:snap ?chat|snap|insta(?:gram)?|discord|whats ?app|tik ?tok|kik|telegram|skype|facebook|messenger|signal|wickr|omegle|text|dm|dms|private chat|email)"
WEAPON = (
    r"(?:gun|guns|pistol|handgun|revolver|rifle|shotgun|ar-?15|ak-?47|ammo|ammunition|bullets|knife|knives|"
    r"switchblade|pocket ?knife|machete|brass knuckles|taser|stun gun|pepper spray|weapon|weapons|ghost gun|"
    r"silencer|suppressor|zip gun|crossbow|glock|firearm|firearms)"
)
DRUG = (
    r"(?:weed|marijuana|cannabis|thc|dab pens?|dabs|edibles|a joint|joints|a blunt|blunts|cocaine|meth|"
    r"crystal meth|heroin|fentanyl|lsd|shrooms|magic mushrooms|mdma|molly|ecstasy|xanax|xannies|percs|"
    r"percocet|oxy|oxycontin|oxycodone|lean|purple drank|codeine|ketamine|adderall|drugs|vapes?|juul|"
    r"a vape pen|nicotine|cigarettes?|cigs|ciggies|alcohol|beer|vodka|liquor|booze|whiskey|tequila|rum|"
    r"a pack of cigs|nic pouches|zyn|poppers|nitrous|whippets|pills to get high)"
)
GAMES = r"(?:minecraft|fortnite|roblox|among us|zelda|mario|pokemon|pok[eé]mon|call of duty|cod|gta|the game|in game|in-game|video game|nerf|water gun|toy|lego|paper|cardboard|origami|squirt gun|laser tag|paintball)"
BENIGN_TARGETS = (
    r"(?:the |a |an |this |that |my |all )?(?:process|processes|task|thread|job|program|app|application|server|"
    r"container|session|loop|command|script|function|ball|puck|hoop|basket|goal|shot|free throw|photo|picture|"
    r"video|lights?|engine|motor|weeds?|germs?|bacteria|virus|mold|bugs?|mosquito(?:e?s)?|ants?|flies|fly|"
    r"roaches|cockroach(?:es)?|lice|boss|level|monster|zombies?|creepers?|dragon|ender dragon|enemy team|time|"
    r"battery|signal|noise|mood|vibe|conversation|ideas?|test|exam|quiz|game|deadline|timer)\b"
)

# ---------------------------------------------------------------------------- self-harm (S11)
_ACCIDENT = (r"accident|by mistake|on accident|while|when i (?:fell|was|tripped)|playing|practice|game|on (?:a|the) (?:nail|fence|glass|rock|knife|corner|table)|"
             r"cooking|paper cut|fell|falling|tripped|skateboard|bike|trampoline|soccer|football|"
             r"basketball|gym|recess|stubbed|knife slipped|shaving|sports?")
_rule("self_harm", "kill_self", r"\b(?:kill|killing|killed|unalive|unaliving|end|ending|off|offing|delete|k\.?m\.?s)\s+" + SELF + r"\b|\bkms\b|\bunalive\b|\bsewer ?slide\b|\bself[- ]?delete\b")
_rule("self_harm", "hurt_self",
      r"\b(?:hurt|harm|cut|burn|scratch|starv|chok|stab|poison|drown|hang|hit|punch|bang|punish|bruis|bleed|slap|strangl|bit|smother)\w*\s+(?:"
      + SELF + r")\b(?! (?:up|a break|a treat|to sleep|the))"
      r"|\b(?:i|i've|i have|i've been|i keep|i still|i started|i sometimes|sometimes i|i just)\s+(?:been\s+)?(?:cut|cutting|burn|burning|burned|scratch|scratching|hit|hitting|carve|carving|pick|picking)\s+(?:on\s+)?(?:my|into my)\s+(?:\w+\s+)?(?:arms?|wrists?|legs?|thighs?|skin|stomach|body|hips?|head)\b",
      unless=_ACCIDENT + r"|teach(?:es)? me|taught me|for me|hurt me|help me|without (?:hurting|harming|cutting|burning) (?:myself|yourself)|so (?:i|you) (?:don't|do not|won't) (?:hurt|cut|burn)|not (?:to )?hurt (?:myself|yourself)|safely")
_rule("self_harm", "self_harm_first_person",
      r"\b(?:" + FIRST + r"|my)\b[^.?!]{0,25}\b(?:self[- ]?harm\w*|sh scars|cutting (?:again|scars|myself)|cut (?:again|scars)|my (?:cuts|scars) (?:from|on my))",
      unless=r"report|project|essay|research|class|lesson|awareness|presentation|assignment|health|why do people|signs of|prevent|friend")
_rule("self_harm", "want_die",
      r"\b(?:i|i'm|i am|i just|i really|i kind of|sometimes i|i feel like i|part of me|i think i)\s*(?:really |just |kind of |sometimes |honestly |seriously |lowkey |literally |still )*"
      r"(?:want to|wish (?:i could|to)|would rather|need to|am going to|'m going to|going to|might|wanna|want|am ready to|'m ready to|should|deserve to|just want to)\s+"
      r"(?:just |honestly |really |literally )?(?:die|be dead|not (?:be )?(?:alive|here|exist|wake up)|disappear(?: forever)?|stop existing|stop living|never wake up|go to sleep forever|sleep forever|be gone|end (?:it|it all|everything|my life|things)|give up on (?:life|everything)|jump (?:off|from|in front))\b",
      unless=r"magic|trick|hide and seek|camping|class|into (?:a |the |my )?(?:\w+ )?(?:book|story|novel|game|movie|world|crowd|background)|of (?:embarrass|laugh|cringe|boredom)|laughing|die (?:of|from) (?:laugh|embarrass|cringe)|if (?:i|we) (?:fail|lose|don't)|\blol\b|\blmao\b|haha")
_rule("self_harm", "wish_dead",
      r"\bi wish (?:i (?:was|were|had)(?:n't| not| never)? (?:dead|been born|born|gone)|i could (?:die|disappear|not exist)|i (?:didn't|did not) exist|i would die|i (?:wouldn't|would not) wake up)")
_rule("self_harm", "not_want_live",
      r"\b(?:i )?(?:don't|do not|no longer) (?:want|wanna|wish) (?:to )?(?:be alive|live|exist|be here|wake up|be in this world|keep going|go on)(?: anymore| any more| tomorrow)?\b",
      unless=r"live (?:in|at|on|near|with|here) |live like|be here (?:on|at|for)|wake up (?:early|at|for|on)|dentist|doctor|test|school tomorrow|at school")
_rule("self_harm", "life_not_worth",
      r"\b(?:(?:my )?life (?:is|isn't|is not|feels) (?:not )?(?:worth living|pointless|meaningless|over)|no (?:reason|point) (?:to|in) (?:live|living|being alive|going on|staying alive)|"
      r"what's the point (?:of|in) (?:living|life|being alive|going on|me being here)|why (?:should|do) i (?:even )?(?:live|stay alive|keep living)|why am i (?:even )?alive|"
      r"better off (?:dead|without me|if i (?:was|were) (?:gone|dead))|(?:everyone|they|my family|my parents|nobody|no one|the world|people) (?:would|will|wouldn't|won't) (?:be (?:better|happier)|care|miss me|notice|even notice|even care)(?:\s\w+){0,2} if i (?:was|were|am|died|disappeared|wasn't|was not|killed)|"
      r"(?:nobody|no one) would (?:miss|notice|care about) me|i (?:hate|despise) (?:myself|my life|being alive|living|my body so much)|"
      r"i(?:'m| am) (?:a burden|worthless|better off dead|done with (?:life|living|everything))|"
      r"i(?:'m| am| feel| have been| keep| been)\s+(?:\w+ ){0,2}(?:suicidal|thinking (?:about|of) (?:suicide|killing myself|ending it|dying|ending my life))|"
      r"(?:want|going|plan|planning|thinking) (?:to|about|of) (?:commit(?:ting)? )?suicide|i(?:'ll| will) (?:commit )?suicide|"
      r"i can't (?:take it|take this|go on|do this|handle (?:it|this|life|my life)|live like this) any ?more)\b",
      unless=r"homework|math|test|quiz|class|assignment|project|worksheet|level|game|essay|noise|dog|sister's music|this show|character|romeo|juliet|hamlet|story|hate myself for (?:forgetting|losing|missing|eating|saying|not (?:studying|practicing))|for forgetting")
_rule("self_harm", "method_seeking",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,3}?(?:kill (?:yourself|myself|oneself|urself|themselves|themself)|commit suicide|end (?:my|your|their|one's) (?:own )?life|"
      r"hang (?:yourself|myself|oneself|themselves)|not wake up|never wake up|sleep forever|stop (?:my|your) (?:heart|breathing)|overdose|od on|die (?:painlessly|quickly|fast|in (?:my|your) sleep|without (?:pain|it hurting))|cut (?:yourself|myself|deeper|your wrists?|my wrists?)|"
      r"make (?:myself|yourself) (?:throw up|puke|vomit|sick|bleed)|stop eating|starve (?:myself|yourself)|hide (?:my|the|your) (?:cuts|scars|self harm))\b"
      r"|\b(?:painless|painlessly|quickest|quick|easiest|easy|fastest|best|surest|least painful) (?:way|ways|method|methods) to (?:die|kill (?:yourself|myself)|commit suicide|end (?:it|my life|your life)|go)\b"
      r"|\bhow (?:many|much)\s+(?:\w+\s+){0,3}?(?:pills|tablets|tylenol|advil|ibuprofen|aspirin|acetaminophen|paracetamol|benadryl|sleeping pills|medicine|meds|insulin|bleach)\s+(?:\w+\s+){0,4}?(?:kill|die|overdose|od|dead|be fatal|lethal|to end|not wake up|never wake up|sleep forever)\b"
      r"|\bcan (?:you|i|a person|someone|a kid|people) die (?:from|if|by)\b[^.?!]{0,40}\b(?:pills|tablets|tylenol|advil|ibuprofen|medicine|meds|bleach|overdos\w*|cutting|bottle)\b"
      r"|\b(?:cut|slit|slash)\s+(?:your|my|the|his|her)\s+(?:wrists?|veins?|arms? open)\b|\bhow (?:deep|hard) (?:do|should|to|can) (?:i|you) cut\b"
      r"|\b(?:lethal|deadly|fatal) (?:dose|amount) of\b|\bwhat happens (?:if|when) (?:i|you|someone|a kid|a person) (?:take|takes|swallow|swallows|drink|drinks|eat|eats) (?:all|too many|a lot of|a whole bottle of|a bottle of|\d+) (?:pills|of (?:my|the) (?:pills|meds|medicine)|tylenol|advil|sleeping pills|meds|medicine)\b"
      r"|\bi (?:took|swallowed|drank|ate|just took) (?:a (?:bunch|lot|whole bottle|handful) of|all (?:of )?|too many|\d+|lots of) (?:my |the |her |his |my \w+'?s? |\w+'s )?(?:\w+ )?(?:pills|meds|medicine|tablets|tylenol|sleeping pills|bleach)\b"
      r"|\bpro[- ]?ana\b|\bpro[- ]?mia\b|\bthinspo\w*\b|\bthinspiration\b|\bmeanspo\b|\bi (?:make|made|keep making) myself (?:throw up|puke|vomit|sick)\b"
      r"|\bi (?:haven't|have not|didn't|did not) eat(?:en)? (?:anything )?(?:in|for) (?:\d+|two|three|four|five|six|seven|a few|days|a week)(?: \w+)? (?:on purpose|because i'm fat|so i can lose|to lose|to get skinny)"
      r"|\b(?:a|the) (?:rope|noose) (?:for|to hang)\b|\bnoose\b(?=[^.?!]{0,30}\b(?:me|my|myself|tie|make)\b)",
      unless=r"minecraft|roblox|fortnite|game|pokemon|character|zombie|process|plant|cell|battery|my phone|chemistry class")
_rule("self_harm", "risk_phrases",
      r"\b(?:end|ending|ended|take|taking|took) my (?:own )?life\b|\bsuicid\w*|\b(?:i'm|i am|i feel like|feel like|i'm just|i am just) (?:such |a |just a |nothing but a )*burden\b"
      r"|\b(?:sick|tired) of (?:being alive|living|life|existing|being me|being here|waking up)\b|\breasons? to (?:keep )?(?:living|live|go on|be alive|stay alive|exist|keep going|be here)\b(?! in| on| at| near| with| together)"
      r"|\b(?:fall asleep|go to sleep|sleep) (?:and )?(?:forever|and (?:never|not) wake up)\b|\b(?:want|wish|hope|pray|rather|would like|i'd like) (?:to |that i |i could |i would |i'd )?(?:never|not) wake up\b"
      r"|\b(?:want|need|wish|just want) (?:everything|it all|all of (?:it|this)|the pain|my life|life|it) to (?:stop|end|be over)\b"
      r"|\benough (?:\w+ )?to (?:die|kill (?:me|myself|you|yourself|a person|someone)|overdose|od|not wake up|end it)\b"
      r"|\bi(?:'ve)? (?:cut|been cutting|started cutting|relapsed)\b(?:\s+(?:again|last night|yesterday|today|this (?:morning|week)|deeper|more|myself))|\bcutting again\b|\bscars? from (?:cutting|when i (?:cut|hurt)|self[- ]?harm|where i cut)\b"
      r"|\bmy (?:cuts|scars) (?:hurt|are|from|on my)\b|\brelaps(?:e|ed|ing) (?:on |with |into )?(?:self[- ]?harm|cutting|sh\b|sh again)|\b(?:sh|cutting|self[- ]?harm)\b[^.?!]{0,30}\b\d+ (?:days|weeks|months) clean\b|\b\d+ (?:days|weeks|months) clean\b[^.?!]{0,30}\b(?:sh|cutting|cut|self[- ]?harm|relaps\w*)\b"
      r"|\b(?:painless|painlessly|does it hurt|would it hurt|quickest|fastest)\b[^.?!]{0,30}\b(?:to die|dying|death|jump(?:ing)? off|hang(?:ing)?|overdos\w*|drown(?:ing)?|bleed(?:ing)? out)\b"
      r"|\bjump(?:ing)? (?:off|from) (?:a|the|my|our) (?:building|bridge|roof|cliff|tower|balcony|window)\b[^.?!]{0,30}\b(?:painless|hurt|die|dead|kill|survive|end it)\b"
      r"|\b(?:punch|hit|bang|scratch|pick|bite|slam)\w* (?:the |my |at my )?(?:walls?|head|skin|arms?|legs?|lips?|nails?|fists?)\b[^.?!]{0,45}\buntil (?:it|they|my \w+|i) (?:really |badly )?(?:bleeds?|bruises?|bruise|break|cry|hurts?)"
      r"|\b(?:goodbye|bye) (?:everyone|everybody|world|cruel world|forever)\b|\bthis is my last (?:message|goodbye|day)\b|\bi won't be (?:here|alive|around) (?:tomorrow|much longer|anymore|for long)\b"
      r"|\bi (?:have|keep|hid|hide|stashed|saved|collected|got)\s+(?:a |some |my |the )?(?:razor|razors|blade|blades|pills|rope|sharp \w+)\b[^.?!]{0,25}\b(?:hidden|hid|in my room|under my bed|in my drawer|secret|saved|so i can|for when|for later)\b|\bhidden (?:razor|blade)s?\b"
      r"|\bcut\w* (?:myself )?without (?:anyone|anybody|people|my (?:mom|dad|parents)|them) (?:noticing|seeing|knowing|finding out)\b|\bhide (?:my |the )?(?:cuts|scars)\b"
      r"|\b(?:suicide|final) (?:note|letter)\b|\b(?:help me |i )?(?:write|wrote|writing|written) (?:a |my )?goodbye (?:note|letter)\b(?![^.?!]{0,40}\b(?:retir|moving|graduat|camp|teacher|new school|class|summer|friend who))"
      r"|\bi (?:took|swallowed|just took|take|am taking|'m taking) (?:extra|more|double|a few extra|some extra|way too many) (?:\w+ )?(?:pills|meds|medicine|tablets)\b"
      r"|\b(?:i'm|i am) done (?:with (?:life|living|everything|being alive))\b|\b(?:happier|better|better off|easier)\s+(?:\w+\s+)?without me\b|\bwant out of (?:this|my) life\b|\bout of this world\b(?=[^.?!]{0,20}\b(?:want|wish|leave|go)\b)"
      r"|\b(?:this|tonight|today|tomorrow)\b[^.?!]{0,25}\bmy last (?:night|day)\b(?! (?:at|in|of|before|with|here|on vacation|of school))|\b(?:make|making) (?:it|my death|my suicide) look like an accident\b"
      r"|\b(?:if|when|in case) i(?:'m| am) not (?:here|around|alive) (?:tomorrow|anymore|next week|any ?more)\b|\bmak\w* (?:myself|yourself) (?:throw up|puke|vomit|sick|starve)\b"
      r"|\b(?:haven't|have not|didn't|don't|won't|not) (?:eat|eaten|eating)\b[^.?!]{0,30}\b(?:thin|skinny|lose weight|gain weight|get fat|be fat)\b"
      r"|\b(?:bridge|building|roof|cliff|tower|balcony|window|parking garage)\b[^.?!]{0,40}[,.]?\s*(?:and )?i (?:want|wanna|am going|'m going|will|plan) to jump\b|\b(?:nobody|no one|noone) (?:would|will|is going to) (?:miss|notice|care about) me\b",
      unless=r"prevention|awareness|hotline|lifeline|warning signs|signs of|report|essay|project|health class|theme|character|romeo|juliet|hamlet|ophelia|hitler|history|historical|in the (?:book|story|novel|play|poem)|died by|committed suicide|suicide (?:squad|bomber|doors?|run|sprints?|pass|squeeze|mission|drills?)|statistics|rates? of|why do people|what is suicide|"
             r"test|homework|quiz|math|this class|this game|this movie|lol\b|lmao|haha|embarrass|boring|see you|tomorrow,|next (?:week|class|time)|class!|summer|vacation|school year|for now|party|bread|cake|in the (?:oven|pool)|into (?:the )?(?:water|lake|pool|ocean|river|sea)|kill (?:germs|bacteria|weeds)|bacteria|germs|in a plane|parachute|skydiv")
_SH_BENIGN = (r"character|story|book|novel|poem|play\b|movie|film|show|game|minecraft|fortnite|roblox|plants?|flowers?|cells?|battery|phone|dinosaurs?|"
              r"my (?:old |sick )?(?:dog|cat|hamster|pet|goldfish|fish|bird|rabbit|bunny|guinea pig|horse)|(?:he|she|it)(?:'s| is) (?:going to|gonna) die|"
              r"history|report|essay|project|homework|test|quiz|math|class\b|lol\b|lmao|haha|laugh|embarrass|boredom|bored|hungry|tired of (?:waiting|school)")
_rule("self_harm", "intent_cues",
      r"\b(?:i|i'm|i've|i'd|me|my)\b[^.?!]{0,40}\b(?:want|wanna|wish|think(?:ing)? (?:about|of)|thought (?:about|of)|keep thinking|can't stop thinking|planning|plan|going to|gonna|should|deserve|tried|try|trying|ready|need|feel like|dream about|daydream about)\b"
      r"[^.?!]{0,25}\b(?:die|dying|be dead|being dead|death|disappear(?:ing)? (?:forever|for good)|(?:vanish|disappear|run away)\b[^.?!]{0,15}\b(?:forever|for good|never come back)|tak(?:e|ing) (?:all|a lot|a bunch|too many|the whole bottle)\b|cut(?:ting)?(?:$| again| deeper| my (?:wrists?|arms?|legs?|thighs?|skin))|not (?:exist|be here|be alive|be around)|stop existing|be gone forever|end (?:it|everything|things)|jump(?:ing)? (?:off|in front|from)|overdos\w*|starve|starving|hang(?:ing)? myself|never wake|drown(?:ing)? myself|kill(?:ing)? myself|hurt(?:ing)? myself|cut(?:ting)? myself)\b"
      r"|\bwant(?:s|ed)? to die\b|\bwanna die\b|\b(?:i|i'm|i am) (?:worthless|useless|a waste|nothing) and (?:i )?(?:deserve|want|should|need) to (?:die|be dead|disappear|suffer)\b",
      unless=_SH_BENIGN + r"|laughing|die of|die from (?:laugh|embarrass|cringe|boredom)|die if|dying to (?:see|know|go|try|meet|play|read)|dying for|die in (?:the|a) game|die down|die out|never dies")
_rule("self_harm", "if_i_were_gone",
      r"\b(?:care|matter|miss me|notice|happier|better|better off|be sad|cry|even know)\b[^.?!]{0,30}\bif i (?:just |simply |finally )?(?:was|were|am|'m)? ?(?:gone|dead|not here|not around|died|disappeared|killed myself|never came back)\b"
      r"|\bif i (?:just |simply |finally )?(?:died|was gone|were gone|disappeared|was dead|were dead|wasn't here|wasn't around)\b[^.?!]{0,30}\b(?:care|matter|miss|notice|happier|better|be sad|cry|wouldn't|nobody|no one)\b"
      r"|\b(?:goodbye|suicide|farewell|last) (?:letter|note|message|video) (?:to|for) (?:my|everyone|everybody)\b|\b(?:i've|i have|i) (?:written|wrote|writing|am writing|'m writing) (?:a|my) (?:goodbye|suicide|farewell) (?:letter|note)\b",
      unless=_SH_BENIGN)
_rule("self_harm", "methods_on_self",
      r"\b(?:knife|blade|razor|scissors|compass|glass|lighter|needle|pin|rope|belt|cord)\b[^.?!]{0,20}\b(?:to|on|against|into|around) my (?:wrists?|arms?|skin|legs?|thighs?|throat|neck|stomach)\b"
      r"|\b(?:cut|scratch|burn|hit|hurt|stab|carv|bit|punch|slap|pinch)\w*\s+(?:my|myself)\b[^.?!]{0,40}\bon purpose\b|\bon purpose\b[^.?!]{0,20}\b(?:cut|scratch|burn|hit|hurt)\w*\s+(?:my|myself)\b"
      r"|\bwhat (?:would|will|could) happen (?:if|when) i (?:drank|drink|ate|eat|swallowed|swallow|took|take|inhaled|mixed) (?:\w+ ){0,3}?(?:bleach|poison|pills|rat poison|antifreeze|drano|detergent|tide pods?|pesticide|medicine|meds|tylenol|sleeping pills)\b"
      r"|\bnoose\b|\b(?:not eating|stop(?:ped)? eating|won't eat|not going to eat|skip(?:ping)? (?:all )?(?:my )?meals|starving myself|starve myself|throw(?:ing)? up (?:after|my food|on purpose))\b[^.?!]{0,40}\b(?:skinny|thin|fat|lose weight|weight|until|anymore|pretty)\b"
      r"|\b(?:cutting|self[- ]?harm(?:ing)?|hurting (?:yourself|myself)|starving (?:yourself|myself)|not eating|overdosing|burning (?:yourself|myself)) (?:is|can be|are) (?:a |an )?(?:good|great|healthy|okay|ok|fine|easy|normal|the best) (?:way|idea|thing|option|method)\b"
      r"|\b(?:least painful|painless|easiest|quickest|best) way (?:to die|to do it|to end it|is to (?:overdose|hang|cut|jump|take (?:pills|all)))\b",
      unless=r"history|lynching|hangman|sailing|boat knot|knots? for|in the (?:story|book)|character|what to do if|poison control|if a (?:child|kid|baby|toddler|pet|dog)|my (?:little |baby )?(?:brother|sister|dog|cat)")
# Output direction: the model encouraging or instructing self-harm.
_rule("self_harm", "encourage", r"\b(?:you should|you could|you need to|you deserve to|just|go|why don't you)\s+(?:\w+\s+)?(?:kill yourself|die|hurt yourself|cut yourself|end your life|stop eating|starve yourself|disappear forever)\b"
      r"|\b(?:nobody|no one|no body) would (?:care|notice|miss you|cry|even care|even notice)(?: \w+){0,2} if you (?:died|disappeared|were (?:gone|dead)|killed yourself|weren't here|left forever)\b"
      r"|\b(?:cutting|hurting|harming|starving|burning|scratching|punishing) (?:yourself|themselves|oneself) (?:can|will|might|could|would|is a (?:good|great) way to|helps?|makes? (?:you|them) feel)\b",
      unless=r"don't|never|not\b|laugh|die down|die out|die off|bacteria|plants?|cells?|battery|fire|instead of|trusted adult|988|talk to", directions=("output",))
_rule("self_harm", "instruct_output",
      r"\b(?:just|go ahead and|you can|you could|you should|try to|it's ok to|it's fine to)\s+(?:cut|hurt|burn|starve|scratch|hit)\s+(?:a little|a bit|yourself|your (?:arms?|wrists?|skin|legs?))\b"
      r"|\b(?:ways|methods|how)\s+(?:people|someone|you|to|one can)\s+(?:can\s+)?(?:end|take)\s+(?:their|your|his|her|one's) (?:own )?lives?\b",
      unless=r"never (?:cut|hurt|burn|starve)|don't (?:ever )?(?:cut|hurt|burn|starve)|do not (?:cut|hurt|burn|starve)|please talk|trusted adult|988|warning signs|prevent|help (?:them|someone)", directions=("output",))
_rule("self_harm", "kys_output", r"\b(?:kys|kill yourself|go die)\b", directions=("output",))

# ---------------------------------------------------------------------------- abuse disclosure (S4)
_ADULT = (r"(?:my (?:\w+ )?(?:uncle|aunt|stepdad|step dad|step-dad|stepfather|dad|father|mom|mother|stepmom|step mom|"
          r"stepmother|grandpa|grandfather|grandma|babysitter|baby sitter|nanny|coach|teacher|tutor|neighbou?r|"
          r"pastor|priest|mom's boyfriend|dad's girlfriend|friend's dad|friend's (?:older )?brother|foster (?:dad|mom|parent)s?|"
          r"(?:mom's|dad's|mum's|parents'|sister's|brother's|moms|dads) (?:friend|boyfriend|girlfriend|coworker|buddy|husband|wife)|"
          r"parents?|older cousin|cousin|brother|sister)|(?:a|an|this|some|the|that) (?:man|woman|guy|grown ?up|adult|stranger|older (?:boy|kid|man|guy)))")
_rule("abuse_disclosure", "touches_me",
      r"\b(?:" + _ADULT + r"|he|she|someone|somebody)\s+(?:\w+\s+){0,4}?(?:touch(?:es|ed|ing)?|feels? up|grabbed|grabs)\s+(?:me|my)\s*(?:\w+\s+){0,2}?(?:private\w*|down there|where (?:i|my)|in my|under my|bottom|butt|chest|body|pants|underwear|when|at night|and (?:i|tells|told|says|said)|$)"
      r"|\b(?:" + _ADULT + r"|he|she|someone|somebody)\s+(?:\w+\s+){0,8}?touch(?:es|ed|ing)?\s+me\b(?!\s+(?:on|with) (?:the|my|his|her) (?:shoulder|arm|back|hand|head|ball))",
      unless=r"cross(?:ed|ing)? the (?:street|road)|busy (?:street|road)|almost (?:fell|fall|got hit)|before i fell|so i (?:wouldn't|didn't|don't) fall|traffic|parking lot|checkup|check-up|physical exam|high five",
      directions=("input",))
_rule("abuse_disclosure", "hurts_me",
      r"\b" + _ADULT + r"\s+(?:\w+\s+){0,2}?(?:hits?|hitting|beats?|beating|beat|hurts?|hurting|kicks?|kicked|punch(?:es|ed)|chok(?:es|ed|ing)|slaps?|slapped|burn(?:s|ed)|whips?|whipped|locks?|locked|starves?|strangl\w+|threw|throws)\s+me\b"
      r"(?!\s+(?:in|at) (?:chess|checkers|a game|the game|games|race|cards|uno|fortnite|minecraft|roblox|tag|basketball|soccer|football|tennis|math|video games))",
      unless=r"pillow|game|play|joking|tag|wrestl|tickl|race|chess|checkers|at (?:uno|cards)|by accident|accidentally|nerf|water (?:gun|balloon)|snowball|foam|squirt gun|(?:little|baby|younger) (?:sister|brother)|toddler|(?:she's|he's|she is|he is) [1-4]\b|for taking (?:his|her)|into the (?:pool|lake|water)|so fun", directions=("input",))
_rule("abuse_disclosure", "secret_asked",
      r"\b(?:" + _ADULT + r"|he|she|someone|somebody)\s+(?:\w+\s+){0,4}?(?:made|makes|asked|asks|told|tells|wants|forced|forces|said)\s+me\s+(?:to\s+)?"
      r"(?:take off my|undress|touch (?:his|her|their)|take (?:pictures|pics|photos|videos?) (?:without|with no|of my body|naked|in my underwear)|pose (?:naked|without)|get naked|keep (?:it|this|a|our|what)\b[^.?!]{0,20}secret|not tell|never tell|sit on (?:his|her) lap|send (?:him|her|them) (?:pics|pictures|photos|nudes|naked)|"
      r"get (?:in|into) (?:his|her|their) (?:car|bed)|sleep in (?:his|her) bed|watch (?:porn|naked|videos of naked))",
      unless=r"what should i do if|what to do if|(?:if|when) (?:someone|somebody|a stranger|an adult|anyone|a person) (?:online )?(?:asks?|tells?|wants?)|warning sign|is it normal for", directions=("input",))
_rule("abuse_disclosure", "afraid_home",
      r"\b(?:i'm|i am) (?:scared|afraid|terrified) (?:to go|of going|to be) home\b|\b(?:he|she|they|" + _ADULT + r")(?:'ll| will| would) (?:hurt|kill|beat|hit) (?:me|my \w+) if i tell\b"
      r"|\bif i (?:ever )?tell (?:anyone|anybody|someone|my \w+)?,? (?:he|she|they)(?:'ll| will| would| is going to| are going to) (?:hurt|kill|beat|hit|take|send)\b"
      r"|\bi(?:'m| am) not (?:allowed|supposed) to tell (?:anyone|anybody|my mom|my dad|my teacher|my parents) (?:what|about what|about) (?:he|she|they|" + _ADULT + r") (?:does|did|do|makes me|made me)\b",
      directions=("input",))

# ---------------------------------------------------------------------------- grooming (S4)
_rule("grooming", "secrecy",
      r"\b(?:don't|do not|never|dont|no need to|you don't have to|you shouldn't|better not)\s+(?:tell|show|let)\s+(?:your|ur|anyone|anybody|any grown ?ups|a grown ?up|an adult|the adults)\b"
      r"(?:\s+(?:parents?|mom|dad|family|teacher|friends?|folks|guardian|grown ?ups|about (?:this|us|me|our))|\s+(?:about|know)|\b)"
      r"|\b(?:keep|keeping)\s+(?:this|it|that|our (?:chats?|talks?|conversations?|friendship|messages?|photos?|pics?)|us|what we (?:do|did|talk about))\s+(?:a |our )?(?:little )?secret\b"
      r"|\bkeep (?:this|it|our (?:chats?|talks?|conversations?|messages?|friendship)|us)\s+(?:private|hidden|quiet|to ourselves|between us|on the down ?low)\b"
      r"|\bour (?:little |special )?secret\b|\b(?:this|it)(?:'s| is| stays) (?:just )?between (?:us|you and me|me and you|the two of us)\b"
      r"|\b(?:delete|erase|clear) (?:these|our|this|the|all our|all the|your) (?:messages?|chats?|texts?|conversations?|history|dms)(?:\s+so|\s+after|\s+before|\s+when|\s+if)\b"
      r"|\b(?:your|ur) (?:parents?|mom|dad|family) (?:wouldn't|would not|won't|will not|don't|do not|never) (?:understand|get it|approve|need to know|have to know|let you)\b"
      r"|\b(?:asked|told|tells|asks|wants) (?:me|you) (?:to )?(?:not|never) (?:to )?tell (?:my|your|anyone|our|the) ?(?:parents?|mom|dad|family|teacher|anyone)?\b",
      unless=r"surprise|birthday|present|gift|party|spoil(?:er)?s?|the ending|the answer|password|trusted adult|tell a (?:parent|teacher|grown-?up|counselor)|what should i do if|what to do if|show (?:your|ur) face|ask a parent|internet safety|online safety|safety lessons?|strangers")
_rule("grooming", "secrecy_more",
      r"\b(?:between|just) (?:you and me|me and you|us two|the two of us)\b|\b(?:can't|cannot|can not|mustn't|must not|shouldn't|should not|better not|never) tell (?:anyone|anybody|a soul|your|ur)\b"
      r"|\b(?:secret|special|private) (?:friend|friendship|game|chat|chats|relationship|boyfriend|girlfriend)\b|\b(?:parents?|mom|dad|family|teacher|anyone) (?:don't|do not|doesn't|does not|won't|wouldn't|never) (?:need|have) to know\b"
      r"|\bdon't let (?:your|ur|anyone|any) (?:\w+ )?(?:mom|dad|parents?|family|teacher|grown ?ups?|adults?|one) (?:see|know|find out|read|hear)\b|\b(?:delete|erase|clear) (?:this|the|our|these|my|his|her|all (?:of )?(?:our|these|my)) (?:chat|chats|messages?|conversation|texts?|dms?|history)\b",
      unless=r"surprise|birthday|present|gift|party|spoil(?:er)?s?|the ending|the answer|password|in the (?:story|book)|character|homework|old emails|spam|diary")
_rule("grooming", "cues",
      r"\b(?:won't|will not|wouldn't|never|not going to|i'll never|i won't ever) tell (?:your|ur|anyone)\b[^.?!]{0,20}\b(?:parents?|mom|dad|family|teacher|if you)\b|\b(?:don't worry about|no need to worry about|no need for|you don't need to worry about) (?:telling|asking) (?:your|ur)\b"
      r"|\bif you tell (?:anyone|anybody|your|ur)\b[^.?!]{0,40}\b(?:trouble|take (?:your|it)|hurt|mad|angry|won't|never|sad|end|leave)\b|\bjust between (?:friends|us|you and me)\b"
      r"|\b(?:does|do) (?:anyone|anybody|your|ur) (?:\w+ )?(?:check|read|look at|see|monitor|go through) (?:your|ur) (?:messages|phone|chats|texts|dms|ipad|tablet)\b"
      r"|\b(?:do|does|will|would) (?:your|ur) (?:parents?|mom|dad|mother|father|family) let you (?:go (?:out|outside|places)|walk|stay|be) (?:alone|by yourself|out)\b"
      r"|\b(?:when|while) (?:your|ur) (?:mom|dad|parents?|mother|father|family) (?:is|are) (?:at work|away|out|asleep|gone|not home|busy|on vacation)\b"
      r"|\b(?:a )?friend of (?:your|ur) (?:dad|mom|parents?|father|mother|family)'?s?\b|\b(?:your|ur) (?:dad|mom|parents?|father|mother) (?:said|told me|says|asked me)\b[^.?!]{0,30}\b(?:come with me|go with me|pick you up|get in|ride|my car|to get you)\b|\bcome with me\b[^.?!]{0,30}\b(?:your (?:dad|mom|parents?)|said|it's ok|secret|alone|car)\b"
      r"|\b(?:are|is) (?:your|ur) (?:parents?|mom|dad|family) (?:strict|protective|overprotective|nosy|watching|paying attention|checking)\b|\bafter (?:your|ur) (?:parents?|mom|dad|family) (?:go to (?:sleep|bed)|fall asleep|leave|are asleep|is asleep)\b"
      r"|\b(?:what|which) (?:room|bed|floor) (?:do|does) (?:you|u) sleep\b|\bwhere (?:do|does) (?:you|u) sleep\b|\bdo you sleep (?:alone|by yourself)\b"
      r"|\byou(?:'re| are) (?:\w+ )?special to me\b|\byou mean (?:so much|everything|the world|more) to me\b|\bmore than (?:your|ur) (?:parents|mom|dad|family)\b"
      r"|\b(?:your|ur) (?:bed)?room\b[^.?!]{0,30}\b(?:upstairs|downstairs|window|door|lock|alone|floor|which side|next to (?:your|ur) parents)\b|\b(?:where|which floor) is (?:your|ur) (?:bed)?room\b"
      r"|\b(?:nobody|no one|no body|noone) (?:needs|has|have|ever needs) to know (?:about )?(?:us|this|our|what we)\b"
      r"|\b(?:locks?|lock) (?:on )?(?:your|ur) (?:bedroom|room|bathroom)(?: door)?\b|\byour bedroom door\b|\brun away (?:together|with me)\b|\bwon't get you in trouble\b|\bnot like other (?:grown ?ups|adults|parents)\b"
      r"|\b(?:is|are) (?:anyone|anybody|someone|your (?:parents?|mom|dad)|an adult|a grown ?up) (?:else )?(?:watching|with you|near you|around|nearby|in the room|home with you|there with you)\b"
      r"|\b(?:chats?|messages?|talks?|friendship|conversations?) (?:are|is) (?:a |our )?(?:secret|private)\b|\b(?:don't|do not|no) need to tell (?:your|ur)\b"
      r"|\byou (?:look|must look|probably look) (?:\w+ )?(?:pretty|cute|hot|beautiful|sexy|gorgeous)\b|\b(?:i can be|i'll be|i am|let me be) your (?:girlfriend|boyfriend|gf|bf)\b"
      r"|\b(?:be|become) my (?:girlfriend|boyfriend|gf|bf|secret \w+)\b|\bhave you (?:ever )?(?:kissed|been kissed|had a (?:boyfriend|girlfriend|bf|gf)|made out|touched)\b"
      r"|\b(?:more mature|more grown ?up|older|smarter|prettier|cuter) than (?:other|most|the other|all the other) (?:kids|girls|boys|children)\b|\b(?:mature|grown ?up|special|pretty|beautiful|cute) for (?:your|ur|a) age\b"
      r"|\b(?:wear|put on|dress in) (?:something|your|a|that) (?:cute|pretty|sexy|nice|tight|short|revealing|\w+)?\s*(?:\w+\s+)?(?:and|then) (?:send|show|take)\b|\bcome alone\b|\b(?:chat|talk|message|text) (?:me )?(?:privately|in private)\b|\bmore private\b"
      r"|\b(?:where|which way|what way|what route|what time) (?:do|does) (?:you|u) (?:usually |normally )?(?:walk|go|bike|ride) (?:home|to school|alone)\b|\b(?:do |are )?you (?:walk|walking) home (?:alone|by yourself)\b",
      unless=r"surprise|birthday|present|gift|party|story|character|book|movie|what should i do if|if (?:a|someone|somebody|a stranger|an adult) (?:says|asks|tells)|warning sign|tell a trusted adult")
_rule("grooming", "come_alone",
      r"\b(?:come|go|meet me|be there)\b[^.?!]{0,20}\b(?:alone|by yourself|without your (?:parents?|mom|dad|friends))\b",
      unless=r"story|character|book|movie|what should i do if|if (?:a|someone|somebody|a stranger|an adult) (?:says|asks|tells)|warning sign|tell a trusted adult|home alone (?:movie|film)|(?:can|should) (?:i|kids) (?:go|walk)|is it safe")
_rule("grooming", "meet",
      r"\b(?:let's|lets|let us|we (?:should|could|can)|can (?:we|i)|could (?:we|i)|want to|do you want to|wanna|i (?:want|would like|'d like|'d love|would love) to|shall we|how about we)\s+"
      r"(?:\w+\s+)?(?:meet|meetup|hang out|hangout|see each other|get together|video ?chat|facetime|call)(?:\s+up)?\b(?:\s+(?:in person|irl|in real life|for real|alone|somewhere|after school|tonight|tomorrow|this weekend|at (?:the|my|your)|at \w+|near|privately|just us|you and me|without)|\s*\?|$|\s+(?:me|you)\b)"
      r"|\b(?:meet|see) (?:me|you) (?:in person|irl|in real life|alone|after school|somewhere|at the (?:park|mall|store|library)|behind|outside|tonight)\b"
      r"|\bi(?:'ll| will| can| could)\s+(?:come )?(?:pick you up|come (?:to your house|over|get you)|drive you)\b|\bsneak out (?:to|and|at night|tonight|of your house)\b"
      r"|\b(?:where|when) (?:can|could|should|do) (?:we|i) (?:meet|see you)\b|\bcome (?:over )?to my (?:house|place|apartment|car)\b"
      r"|\b(?:meet|meet up|hang out|see each other|get together)\b[^.?!]{0,40}\b(?:no one|nobody|no body|no grown ?ups?|no adults?|no parents?) (?:will|can|would|is going to) (?:see|find|know)\b|\bjust the two of us\b"
      r"|\b(?:i(?:'ll| will| can| could)|let me)\s+(?:drive you|give you a ride|come get you|take you (?:home|to my))\b|(?<!\bi )(?<!\bwe )\b(?:come|go) (?:over )?to my (?:place|house|apartment|car|room)\b",
      unless=r"club|team|study group|class(?:es)? (?:meet|will)|meet the (?:author|teacher)|nice to meet|pleased to meet|meet (?:the )?deadline|meet (?:the )?(?:requirements?|goals?|criteria)|parent[- ]teacher|meet my (?:teacher|friends)|for (?:the )?(?:project|assignment)|lines meet|angles meet|intersect|sets? meet")
_rule("grooming", "photos",
      r"\b(?:send|show|give|take|share|dm|snap|post)\s+(?:me\s+)?(?:a\s+|an\s+|some\s+|more\s+|another\s+|your\s+|ur\s+|one\s+)?(?:\w+\s+)?(?:pic|pics|picture|pictures|photo|photos|selfie|selfies|snap|video|vid|videos)\s+(?:of\s+)?(?:you|yourself|your\s+(?:body|face|feet|legs|room|bed|outfit|self))\b"
      r"|\b(?:send|show)\s+(?:me\s+)?(?:your\s+)?(?:body|feet|legs|what you (?:look like|are wearing|have on)|what you're wearing|yourself)\b"
      r"|\b(?:send|share|take|snap)\s+(?:me\s+)?(?:a|one|some|another|more|your)\s+(?:selfie|selfies|pic of (?:you|yourself)|photo of (?:you|yourself)|nude|nudes)\b"
      r"|\bsend (?:him|her|them|me) (?:\w+ )?(?:pics|pictures|photos|selfies|videos)\b(?=[^.?!]{0,40}\b(?:not tell|don't tell|secret|alone|of (?:you|yourself)|body|private)\b)"
      r"|\b(?:pics?|pictures?|photos?|selfies?|videos?)\s+(?:of (?:you|yourself) )?(?:in|wearing|without) (?:your |a |just (?:your )?)?(?:pajamas|pjs|underwear|swimsuit|bikini|bathing suit|bed|shower|bath|bra|clothes|towel)\b"
      r"|\bshow me (?:your|ur) (?:\w+ )?(?:room|bed|bedroom|body|face|legs|feet|outfit)\b[^.?!]{0,20}\b(?:camera|cam|video|facetime|webcam)\b"
      r"|\b(?:facetime|video ?chat|video ?call|camera|cam|call)\b[^.?!]{0,30}\bwhen (?:you're|you are|ur|u r) (?:alone|by yourself|home alone)\b|\bwhen (?:you're|you are) alone\b"
      r"|\bwhat are you wearing\b|\b(?:turn|switch) on (?:your )?(?:camera|webcam|cam|video)\b(?!\s+(?:for class|in class|for the lesson|in zoom|for zoom))"
      r"|\b(?:send|show) me (?:a |some )?(?:pics?|pictures?|photos?|selfies?)\b(?!\s+of\s+(?:the|a|an|your (?:homework|work|answer|drawing|project|worksheet)|that))",
      unless=r"homework|worksheet|math problem|drawing|project|science fair|diagram|answer|graph|plant|experiment|the problem|art project|with (?:my|our|the) (?:dog|cat|pet|puppy|friends|family|mom|dad|grandma|grandpa|team|class)|pet wall|yearbook|class (?:photo|wall|page)|school (?:id|photo)")
_rule("grooming", "home_alone",
      r"\b(?:are you|r you|you)\s+(?:home\s+)?(?:alone|by yourself|on your own)(?=\s*[?.!]|\s*$|\s+(?:right now|now|at home|tonight|today|after school))|\b(?:are you|r you|you)\s+(?:home\s+)?alone(?:\s+(?:right now|now|at home|tonight|in your room|today|after school))?\s*\??(?:$|\s|[.!?])"
      r"|\b(?:is|are) (?:your|ur) (?:parents?|mom|dad|mother|father|family|guardian|babysitter) (?:home|around|there|watching|asleep|out|away|at work|gone|nearby|in the room|checking)\b"
      r"|\b(?:when|what time|how long|how often|until when) (?:do|are|will|does|is)(?: your| ur) (?:parents?|mom|dad|family|mother|father)\b[^.?!]{0,20}\b(?:leave|go out|get home|come home|away|not home|sleep|go to bed|asleep|at work|out)\b"
      r"|\bwho (?:else )?is (?:home|at your house|with you)(?: right now)?\b|\b(?:does|do) (?:your|ur) (?:parents?|mom|dad) (?:check|read|look at|see|know about) (?:your|ur) (?:phone|messages|chats|texts|dms)\b",
      unless=r"story|character|book|kevin|home alone (?:movie|film)|the movie|poem")
_rule("grooming", "private_channel",
      r"\b(?:add|message|text|dm|snap|call|find|follow|friend)\s+me\s+(?:on|at|in|through|over)\s+" + APPS + r"\b"
      r"|\b(?:let's|lets|we (?:can|should|could)|can we|wanna|want to)\s+(?:talk|chat|continue|move|go|switch)\s+(?:\w+\s+)?(?:on|to|in|over)\s+(?:a\s+)?(?:private|" + APPS + r"|somewhere (?:else|private)|another app)\b"
      r"|\bwhat(?:'s| is) (?:your|ur) " + APPS + r"\b|\b(?:do|r|are) you (?:have|on|use)\s+" + APPS + r"\b(?=[^.?!]{0,30}\b(?:add|talk|chat|text|message|dm|me)\b)",
      unless=r"safety|safe|privacy settings|report")
_rule("grooming", "bribe_flattery",
      r"\b(?:i(?:'ll| will| can| could)|i'm going to|let me)\s+(?:give|send|buy|get)\s+(?:you\s+)?(?:free\s+)?(?:robux|v-?bucks|gift ?cards?|money|cash|a (?:new |nice |cool |free )?(?:present|gift|phone|iphone|ipad|game|console|switch)|skins|gems|presents)\b[^.?!]{0,40}\b(?:if you|when you|but you|just|for (?:a|your|some) (?:pic|photo|selfie|favor)|send|don't tell|meet)\b"
      r"|\byou(?:'re| are| look) (?:so |really |very )?(?:mature|grown up|pretty|beautiful|hot|sexy|cute|gorgeous) for (?:your|a|an) (?:age|\d+ year old|kid|girl|boy|\w+ grader)\b"
      r"|\b(?:you(?:'re| are) (?:so )?(?:mature|special)|you(?:'re| are) not like other kids)\b[^.?!]{0,40}\b(?:secret|understand you|only one|trust me|parents)\b"
      r"|\bi(?:'m| am) (?:the only one who|the only person who) (?:understands|gets|really knows) you\b|\b(?:you can|u can) trust me[^.?!]{0,20}\b(?:don't|secret|tell|parents)\b"
      r"|\b(?:you(?:'re| are)|ur|u r|your|youre) (?:so |really |very |super )?(?:cute|pretty|hot|beautiful|sexy|gorgeous)\b[^.?!]{0,30}\bhow old\b|\bhow old\b[^.?!]{0,30}\b(?:you(?:'re| are)|ur|your|youre) (?:so |really |very |super )?(?:cute|pretty|hot|beautiful|sexy|gorgeous)\b"
      r"|\b(?:only|just) (?:\d+|eleven|twelve|ten|nine|thirteen)\b[^.?!]{0,20}\b(?:but|and) (?:you(?:'re| are)|you seem|you look|ur) (?:so |really |very )?(?:grown ?up|mature|older|pretty|cute|hot|sexy)\b"
      r"|\b(?:you seem|you look|you must be|are you) (?:\w+ )?(?:lonely|sad|alone)\b[^.?!]{0,30}\b(?:i can be|i'll be|i could be|let me be|i understand)\b|\bdo (?:what|everything|anything) i (?:say|tell you)\b"
      r"|\b(?:\d+|free|lots of|some|a lot of)\s+(?:robux|v-?bucks|gift ?cards?|dollars|bucks|skins|gems|coins)\b[^.?!]{0,40}\b(?:if you|when you|don't tell|dont tell|send|meet|do what|pic|photo|secret)\b"
      r"|\b(?:do you have|got) a (?:boyfriend|girlfriend|bf|gf)\b|\bhow old are you (?:really|actually|for real)\b|\b(?:are you|r you) (?:a )?(?:virgin|wearing)\b"
      r"|\b(?:can|could|will) you keep a secret\b(?!\??\s*(?:i|i'm|i've|im|my)\b)")
_rule("grooming", "child_contact_seeking",
      r"\b(?:can|could|will|would|do) you (?:come to|visit|meet) (?:my|me at my) (?:house|home|school|place)\b|\bwhere (?:do|does) (?:you|aivo) live\b[^.?!]{0,30}\b(?:visit|come|meet)\b",
      directions=("input",))

# ---------------------------------------------------------------------------- personal information (S7)
_rule("personal_info", "ask_child",
      r"\b(?:what(?:'s| is| are)|what's|tell me|give me|send me|share|i need|i want|can i (?:have|get)|can you (?:tell|give|send|share)(?: me)?|could you (?:tell|give|send|share)(?: me)?|type|write down|enter|post|dm me|text me|what was|may i have|please (?:tell|give|send|share)(?: me)?|drop|put)\s+"
      r"(?:me\s+)?(?:your|ur|you're|yer|the student's|the kid's|the child's)\s+(?:own\s+)?" + CHILD_PERSONAL + r"\b"
      r"(?!\s+(?:is|was)\s+(?:a|an|the|so|really|very)\s)",
      unless=r"(?:passwords?|pins?) (?:safe|private|secret|strong)|(?:shouldn't|should not|never|don't|do not|not to|why not|avoid|without)\b[^.?!]{0,12}\b(?:share|give|tell|post|type|send)|(?:make|create|choose|pick|keep) (?:a |your )?(?:strong |good )?password|in the (?:story|poem|letter|envelope)|on the envelope|of the (?:white house|school|museum|president)|top (?:right|left) corner|for the (?:letter|envelope|form)|sample|example|pretend|fake|made[- ]up|character's|for your (?:character|story)|what's your (?:favorite|school subject|favourite)|school (?:subject|day|year|lunch|work|project|bus)")
_rule("personal_info", "where_live",
      r"\bwhere (?:do|does) (?:you|your family|ya) (?:live|stay|sleep|go to school)\b|\bwhere(?:'s| is) (?:your|ur) (?:house|home|school|room|apartment|bus stop)\b"
      r"|\bwhat (?:school|city|town|street|neighbou?rhood|state|country|building|apartment|address|grade and school|elementary|middle school) (?:do|are|does) (?:you|ya) (?:go to|attend|live (?:in|on|at)|live|in|from|at)\b"
      r"|\b(?:what|which) (?:\w+ ){0,2}(?:school|street|city|town|neighbou?rhood|state|address|apartment|house|grade and school|bus stop) (?:do|are|does|did) (?:you|u|ya) (?:\w+ )?(?:go|attend|live|in|from|at|on|stay|use)\b"
      r"|\b(?:tell|give|send|type|write|share)\s+(?:me\s+)?(?:your|ur)\s+(?:first|last|full|real|whole|middle)(?: (?:and|or) (?:first|last|middle))? names?\b|\b(?:the )?name of (?:your|ur) (?:school|street|town|teacher|city|neighbou?rhood|parents?|mom|dad)\b"
      r"|\b(?:your|ur) (?:parents?'?|mom'?s?|dad'?s?|mother'?s?|father'?s?) (?:phone|number|cell|email|address|full name|job|work|credit card|bank)\b"
      r"|\b(?:your|ur) (?:full |real |first |last )?name and (?:your |ur )?(?:school|address|city|town|phone|number|age|grade|street|teacher)\b|\b(?:your|ur) (?:school|address|city|town|street) and (?:your |ur )?(?:full |real |first |last )?name\b"
      r"|\b(?:wifi|wi-fi|internet|router|door|garage|alarm|house|front door|gate)\s+(?:password|code|passcode|pin|key code)\b[^.?!]{0,20}\b(?:your|ur)\b|\b(?:your|ur)\s+(?:\w+\s+)?(?:wifi|wi-fi|router|door|garage|alarm|gate)\s+(?:password|code|passcode|pin)\b"
      r"|\b(?:your|ur) (?:login|log-in|account|school|email|roblox|game|ipad|phone|computer|wifi|wi-fi|gmail|google|instagram|snapchat|tiktok)\s+(?:password|passcode|pin|login)\b|\bwhat(?:'s| is) the name of (?:your|ur) (?:school|street|teacher|town|neighbou?rhood)\b"
      r"|\b(?:tell|send|give|show) me where you (?:live|go to school|are right now|sleep)\b|\bwhere (?:exactly |actually |really |abouts )?(?:do|does) (?:you|u|ya) (?:live|stay|sleep)\b|\bwhere(?:'s| is) (?:your|ur) (?:house|home|apartment|school)\b"
      r"|\b(?:what time|when) (?:do|does) (?:you|u) (?:walk|go|get|bike|ride) (?:home|to school)\b|\bwhich (?:street|road|way|route) (?:do )?(?:you )?(?:walk|take|live|go)\b"
      r"|\b(?:street|road|town|city|neighbou?rhood|building|apartment)\s+(?:that\s+)?(?:you|u)\s+(?:live|stay|are)\s+(?:on|in|at)\b|\bwhere (?:are|r) you (?:right now|located|at right now)\b"
      r"|\bwhat(?:'s| is) (?:your|ur) (?:\w+ )?(?:mom's|dad's|mother's|father's|parents') (?:name|full name|phone|number|job|work|email|credit card)\b|\bhow old (?:are|r) you and where\b"
      r"|\bwhere (?:do|does) (?:your|ur) (?:mom|dad|parents?|mother|father) work\b|\bwhen(?:'s| is| was) (?:your|ur) birthday\b|\bwhat (?:year|day|date) (?:were|was) (?:you|u) born\b",
      unless=r"in the story|character|pretend|in french|in spanish|en espa|habitat|animals?|polar bears?|penguins?|ocean|does (?:a|the) \w+ live|(?:frogs?|bears?|lions?|fish|whales?|sharks?|birds?) live")
_PERSON = r"(?:classmates?|kids?|boys?|girls?|friends?|teachers?|students?|neighbou?rs?|crush|players?|streamers?|youtubers?|person|guy|man|woman|coach|ex|bully|someone|somebody)"
_rule("personal_info", "shares_school",
      r"\b(?:go to|attend|attends|goes to)\s+(?!(?:the|a|my|our|your|his|her|this|that|an|summer|dance|music|art|swim|driving|sunday|night|boarding|public|private|online|home|regular|middle|high|elementary|primary|normal|every|after|before|same|different|new|big|small|bed|sleep|class)\b)(?:[a-z.']+\s+){1,3}(?:elementary|middle school|high school|primary school|academy|prep school|intermediate|school)\b"
      r"|\b(?:at|from)\s+(?!(?:the|a|my|our|your|his|her|this|that|an|summer|dance|music|art|swim|driving|sunday|night|boarding|public|private|online|home|regular|middle|high|elementary|primary|normal|every|after|before|same|different|new|big|small|soccer|practice|recess|lunch)\b)(?:[a-z.']+\s+){1,2}(?:elementary|middle school|high school|primary school|academy|prep school|intermediate)\b",
      unless=r"after school|before school|at school today|in school|summer school|sunday school|dance school|music school|driving school|school (?:bus|lunch|day|year|play|project|trip)", directions=("input",))
_rule("personal_info", "find_someone",
      r"\b(?:find|get|look up|lookup|track|locate|search for|dox|doxx|figure out|find out|discover|know|see)\s+(?:out\s+|down\s+)?(?:someone's|somebody's|her|his|their|(?:this|that|the|a) (?:\w+ )?" + _PERSON + r"'s|my (?:\w+ )?" + _PERSON + r"'s|[a-z]+'s)\s+(?:home |real |full |exact |ip |current |private |phone |house |cell )?"
      r"(?:address|phone number|number|location|ip address|email|house|real name|full name|password|school|snapchat|snap|insta|instagram)\b"
      r"|\b(?:find|get|look up|lookup|track|locate|search for|figure out|find out|discover)\s+(?:out\s+|down\s+)?(?:my |the |a |this |that )?(?:\w+ )?" + _PERSON + r" [a-z]+'s\s+(?:home |real |full |house |phone |cell )?(?:address|phone number|number|location|email|house|password)\b"
      r"|\b(?:home |house |real |full |exact |ip |current |private )?(?:address|phone number|cell number|cell phone number|email|email address|password|location|snapchat|instagram|real name|full name|last name) (?:of|for) (?:the|a|my|this|that|some) (?:\w+ )?" + _PERSON + r"\b"
      r"|\b(?:find|figure|work|track|look|search)\s+(?:out\s+|up\s+|down\s+)?where\s+(?:(?:the|my|this|that|a|our)\s+)?(?:\w+\s+){0,2}?(?:" + _PERSON + r"|he|she|they|[a-z]+ (?:from|in) (?:my|our|the) class)\s+(?:\w+\s+){0,3}?(?:lives?|stays|sleeps|goes to school)\b"
      r"|\b(?:dox|doxx|doxxing|doxing)\b|\bwhere does (?:my |this |that |the )?(?:\w+ )?(?:classmate|crush|teacher|kid|boy|girl|student|player|streamer|youtuber|friend|person|[a-z]+ (?:from|in) (?:my|our) class) live\b"
      r"|\b(?:what|where) is (?:[a-z]+|my (?:\w+ )?(?:classmate|teacher|friend|crush)'s|(?:the|this|that) (?:kid|boy|girl|student)'s) (?:home )?(?:address|phone number|house|number|password|location|email)\b",
      unless=r"what is (?:a|an|the) (?:password|address|phone number|email|zip code)|white house|president|museum|library|company|store|restaurant|business|gettysburg|inaugural|speech|state of the union|farewell|keynote|lincoln's|find the (?:phone )?number of (?:moles|atoms|sides|ways|solutions|days|protons|electrons|neutrons)|the number of|area|perimeter|volume|ratio|in the story|character")
_rule("personal_info", "child_shares",
      r"\bmy (?:home |real |full |new |house |street |email |e-mail |cell |phone |cell ?phone |mobile |mom's |dad's |parents' )?(?:address|phone number|number|cell|password|passcode|pin|pin number|email|e-mail|full name|real name|last name|surname|social security number|ssn|zip code|snapchat|snap|insta|discord|username|gamertag)\s+(?:is|=|:)\s*\S"
      r"|\b(?:my school is|i go to|i attend|i'm in (?:\w+ )?grade at|i am in (?:\w+ )?grade at|(?:\d|\w+)(?:st|nd|rd|th) grade at)\s+(?!the |a |my |our |school\b)(?:[a-z]+\s+){1,3}?(?:elementary|middle|high|primary|academy|prep|intermediate|junior high)\b"
      r"|\bmy (?:\w+ )?(?:password|passcode|pin|login)\b[^.?!]{0,20}\b(?:is|=|:)\s*\S"
      r"|\bi live (?:on|at|in|near|by|next to) (?:\d+\w* )?(?:\w+ ){0,2}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|court|ct|apartments?|building|block)\b"
      r"|\b(?:at|from|go to|attend|attends|in)\s+(?!the |a |my |our |your |his |her |this |that |an )(?:[a-z]+\s+){1,2}(?:elementary|middle school|high school|primary school|academy|prep school|intermediate)\b"
      r"|\b(?:\d{4}[- ]?){3}\d{4}\b|\b(?:credit|debit|bank) card (?:number|info|details|pin)\b(?=[^.?!]{0,20}\b(?:is|=|:)\b)|\bi live (?:at|on) \d+\b|\bi live at\s+\d|\b(?:call|text|reach) me (?:at|on) \+?\d"
      r"|\b\d{1,5}\s+(?:[a-z]+\s){1,3}(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|court|ct|boulevard|blvd|way|circle|place|pl|terrace|crescent)\b(?=[^.?!]{0,40}\b(?:i live|my house|my home|come|meet|address|apartment|apt)\b)"
      r"|(?<![\d-])(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\d-])|\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b|\b\d{3}-\d{2}-\d{4}\b",
      unless=r"example\.com|@aivo|school\.edu|support@|help@|info@|noreply|no-reply|helpline|lifeline|childline|crisis|988|hotline|\b1-?800\b|\b800[-. ]\d{3}|call 911|text 741741|phone number format|for example")

# ---------------------------------------------------------------------------- sexual (S12) and sex crimes (S3)
_BIO = (r"sex (?:cells?|chromosomes?|organs?|hormones?|education|ed\b|linked|determination|ratio|differences?|of (?:a|an|the|each|your|my|their|its|baby|babies|\w+ (?:plant|flower|fish|turtle|bird|animal|kitten|puppy|chick))|is determined|change in (?:fish|frogs|animals)|reversal)|"
        r"(?:biological|asexual|opposite|same|male|female|either|which|what|determine the|determines the|the baby's|their|its|born) sex|sexual reproduction|sex and gender|gender and sex|"
        r"sex-linked|x-linked|sexes\b|intersex|sexually transmitted|sexual selection|sexual dimorphism|sexes of|sex of|reproduc\\w* sexually|sexually (?:and|or) asexually|asexual")
_rule("sexual", "sex_word",
      r"\bsex(?!ual|es|ism|ist|tet|ton|agesimal|y)\b|\bsex\w*(?=\s+(?:with|chat|video|pics?|tape|scene|story|stories|position|positions|toys?|talk|games?))",
      unless=_BIO)
_rule("sexual", "explicit_words",
      r"\b(?:sexy|sexier|sexiest|sexting|sexted|sext|sexts|porn\w*|p0rn|pr0n|nsfw|hentai|r34|rule ?34|onlyfans|only fans|erotic\w*|horny|smut\w*|lewd|lewds|fetish\w*|kinky|kink|orgasm\w*|masturbat\w*|"
      r"blow ?jobs?|hand ?jobs?|boobies|titties|tiddies|dick ?pics?|nudes|nudez|noods|jerk(?:ing|ed)? off|cumming|cumshot|jizz|stripper|strip ?tease|strip club|thot|milf|dildo|vibrator|condom sex|"
      r"boner|hard[- ]on(?! (?:myself|yourself|himself|herself|themselves|me|you|him|her|them|us|the|a|my|your|his|their|people|kids|others|everyone))|wet dream\w*|69 position|doggy ?style|twerk(?:ing)? on|thirst trap|nipple slip|camgirl|cam girl|sugar daddy|escort service|brothel|prostitut\w*|hooker|18\+ content|xxx)\b",
      unless=r"magna cum laude|summa cum laude|cum laude|great tits?|blue tits?|coal tits?|bird|wild tits|\bporn(?:ography)? (?:addiction|is harmful|harmful)|sexting (?:is|can be) (?:illegal|dangerous|harmful)|dangers of sexting|what to do if|someone sent me|what does (?:nsfw|18\+|xxx|r34|rule 34) (?:mean|stand for)|(?:nsfw|xxx) (?:stands for|means)|not safe for work")
_rule("sexual", "nudity",
      r"\b(?:naked|nude|topless|bottomless|undressed|no clothes on|without (?:any )?clothes(?: on)?|in (?:your|my|her|his) underwear|in (?:a|your|her) bra|in lingerie|lingerie)\b"
      r"(?=[^.?!]{0,40}\b(?:pics?|pictures?|photos?|selfies?|videos?|vids?|images?|send|show|see|look at|watch|cam|camera|me|you|girls?|boys?|kids?|women|men|man|woman|guy|lady|person|bodies|body|people)\b)"
      r"|\b(?:pics?|pictures?|photos?|selfies?|videos?|images?|man|woman|men|women|girls?|boys?|guy|lady|person|people|bodies|body|they|we|you|she|he|kids?|children|teens?|students?|two|couple)\b[^.?!]{0,40}\b(?:naked|nude|undressed|undressing|topless|without (?:any )?clothes|with no clothes)\b"
      r"|\b(?:get|got|getting|are|were|be|being|is|was)\s+(?:all\s+)?(?:naked|nude|undressed)\b",
      unless=r"naked eye|naked mole|mole[- ]rats?|naked truth|naked singularity|naked flame|emperor|king|new clothes|born naked|babies are born|adam and eve|statue|sculpture|david|venus|renaissance|greek|art history|painting|museum|naked (?:gene|dna|virus|seeds?)|seeds? are naked|gymnosperm")
_rule("sexual", "acts",
      r"\b(?:have|having|had|wanna|want to|make|making)\s+(?:sex|love)\s+(?:with|to)\s+(?:me|you|her|him|them|someone|my|a\b|your)"
      r"|\b(?:talk|talking|text|texting|chat|chatting) dirty\b|\bdirty (?:talk|chat|texts?)\b|\bsext (?:me|you)\b"
      r"|\b(?:see|show me|look at|watch|touch|grab|squeeze|lick|feel)\s+(?:\w+\s+)?(?:boobs|tits|titties|booty|dick|cock|pussy|penis|vagina|privates|private parts|breasts)\b(?!\s+(?:hurt|hurts|growing|grow|are growing|itch|itches|is (?:sore|growing)|sore|normal))"
      r"|\b(?:you(?:'re| are)|be|pretend (?:to be|you're|you are)|act like you're|roleplay as|role ?play(?:ing)? as)\s+my\s+(?:boyfriend|girlfriend|bf|gf|lover|wife|husband|bae|crush)\b(?=[^.?!]{0,60}\b(?:bed|kiss|alone|date|love|cuddle|touch|hug|marry|naked|sexy)\b)"
      r"|\b(?:alone|together|lying|laying|cuddling) (?:in|on) (?:the |my |your |a )?bed\b(?=[^.?!]{0,60}\b(?:boyfriend|girlfriend|kiss|touch|naked|sexy|you and me|we're|just us)\b)"
      r"|\b(?:make|making|made) out (?:with|session)|\bhook(?:ing|ed)? up with (?:a |some |someone|him|her|them|my)|\bfrench kiss\w*|\bdry hump\w*|\bhumping\b|\bsexual(?:ly)?\s+(?:content|stuff|things?|stories|story|pictures?|pics?|photos?|videos?|jokes?|fantas\w+|role ?play|favou?rs?|acts?|positions?|experiences?|messages?|chat|talk|dreams?|desires?|feelings? (?:for|about|towards)|attracted)"
      r"|\btouch(?:ing|ed)?\s+(?:my|your|his|her|their|each other'?s?|me|you|someone'?s?|somebody'?s?|a (?:girl|boy|woman|man)'?s?)\s+(?:\w+\s+)?(?:private\w*|down there|genitals?|crotch|penis|vagina|breasts?|boobs?|butt|body)\b"
      r"|\b(?:take|took|taking|strip|pull)\s+off\s+(?:your|my|her|his|all (?:your|my)|our)\s+(?:clothes|shirt|pants|underwear|bra|panties|top)\b"
      r"|\bturn(?:s|ed)? (?:me|you|him|her) on\b|\b(?:suck|lick|kiss)\s+(?:my|your|his|her)\s+(?:\w+\s+)?(?:dick|penis|boobs?|breasts?|nipples?|neck|body|private\w*|butt|feet|toes)\b"
      r"|\bwhat does (?:sex|it) feel like (?:to have sex|when you)|\b(?:how|what) to (?:have|do) sex\b|\b(?:describe|write|tell)\s+(?:\w+\s+){0,3}?(?:sex|sex scene|naked|steamy|spicy|dirty|explicit|x-rated|r-rated|18\+|mature|kissing and touching|lemon)\b"
      r"|\b(?:steamy|spicy|dirty|explicit|x-rated|raunchy|naughty) (?:story|stories|fanfic|fan fiction|roleplay|role play|scene|chat|talk|pics?|pictures?|texts?|messages?|poem|things)\b"
      r"|\b(?:your|my|her|his|nice|big|huge|small|show (?:me )?(?:your|her)|see (?:your|her))\s+(?:boobs|tits|butt|booty|ass|dick|cock|penis|pussy|vagina|privates|private parts)\b(?!\s+(?:hurt|hurts|growing|grow|are growing|itch|itches|is (?:sore|growing)|sore|normal))"
      r"|\b(?:dick|cock|pussy|penis|vagina|clit|balls)\s+(?:pic|pics|picture|pictures|photo|size|rating|rate)\b|\bhow (?:big|long|small|large) (?:is|are|should) (?:a |my |your |the |his )?(?:\w+ )?(?:dick|cock|penis|boobs|tits|balls)\b"
      r"|(?<!\w)(?:18\+|18 plus|adults? only|x-rated|r-rated|mature)\s+(?:story|stories|content|pics?|videos?|chat|roleplay|role play|scene|stuff|things|fanfic|books?)\b"
      r"|\b(?:say|tell|write|talk about|send|show)\s+(?:me\s+)?(?:something|anything|things|stuff|some)\s+(?:naughty|dirty|sexy|spicy|lewd|kinky|x-rated|inappropriate|nasty)\b|\bnaughty (?:stuff|things|talk|pics?|pictures|photos|videos?|games?)\b"
      r"|\bstrip (?:for (?:me|you|us)|naked|down (?:for|to (?:your|my))|tease|dance|off (?:for|your|my))\b"
      r"|\b(?:boobs|tits|titties|tiddies|dicks?|cocks?|pussy|pussies|cum|penises)\b"
      r"|\b(?:pictures?|pics|photos?|videos?|images?)\s+of\s+(?:naked|nude|undressed)\s+(?:\w+\s+)?(?:kids|children|girls|boys|minors|teens|people|women|men)\b"
      r"|\b(?:role ?play|rp)\s+(?:as\s+)?(?:my\s+)?(?:girlfriend|boyfriend|wife|husband|lover|bf|gf|sugar daddy|daddy)\b|\b(?:be|act as) my (?:girlfriend|boyfriend|lover|wife|husband|bf|gf)\b",
      unless=r"deadline|in the (?:story|book) the characters kiss|make out (?:the|what|words|a|an|shapes?|letters?|anything)")
_rule("sexual", "cues",
      r"\bsleep(?:ing)? with (?:me|her|him|them|you|a (?:girl|boy|guy|woman|man)|someone|somebody|girls|boys)\b|\b(?:lose|lost|losing|take|took) (?:my|your|her|his) virginity\b|\bvirgins?\b|\bhickeys?\b"
      r"|\bin bed\b[^.?!]{0,20}\b(?:do|like|kiss\w*|girls?|boys?|together|naked|touch\w*)\b|\b(?:do|like|kiss\w*|girls?|boys?|naked|touch\w*|people)\b[^.?!]{0,20}\bin bed\b(?!\s+(?:early|late|at \d|by \d|sick|with (?:a |the )?(?:fever|flu|cold)))"
      r"|\b(?:take|took|taking|takes|pull|pulled|rip|ripped) (?:off )?(?:their|his|her|your|my|each other's) clothes(?: off)?\b|\bclothes off\b|\bunbutton\w* (?:his|her|my|your|their) (?:shirt|pants|jeans|blouse|dress|top)\b"
      r"|\b(?:hot|steamy|spicy|sexy|dirty|sensual|passionate|romantic) (?:romance|love|kissing|make ?out|bedroom)? ?(?:scene|story|stories|chapter|fanfic|roleplay)\b(?=[^.?!]{0,40}\b(?:detail|details|describe|explicit|graphic|steamy|spicy|hot|sexy|bed|naked|touch)\b)"
      r"|\b(?:hot|steamy|spicy|sexy|dirty) (?:romance|love|kissing|make ?out|bedroom) (?:scene|story|stories|chapter|fanfic)\b"
      r"|\b(?:something|anything|stuff|things|some) sexual\b|\bsexual(?:ly)?\b(?! (?:reproduction|selection|dimorphism|harassment|abuse|assault|orientation|health|development|maturity|organs?|characteristics|cells?|life ?cycle|stage|phase)|ly transmitted)"
      r"|\bkiss(?:es|ed|ing)?\b[^.?!]{0,40}\b(?:clothes|naked|bed|touch\w*|tongue|passionately|unbutton\w*|undress\w*|all over|body|neck)\b|\bpassionate(?:ly)? kiss\w*\b"
      r"|\b(?:make|making) babies\b[^.?!]{0,40}\b(?:detail\w*|actually do|exactly|step by step|describe|what do they do)\b|\bcondoms?\b[^.?!]{0,40}\b(?:my girlfriend|my boyfriend|use (?:one|it)|put (?:one|it) on|with (?:her|him))\b"
      r"|\b(?:people|they|couples?|them|two people|a man and a woman|my parents) (?:doing it|having it|going at it)\b|\b(?:making|make|made) love\b(?! not war)|\brate (?:\S+ ){0,2}(?:bodies|body|boobs|butts?|girls|women|looks|hotness)\b"
      r"|\b(?:hottest|sexiest|hot) (?:\w+ )?(?:body|bodies)\b|\b(?:hand|hands|fingers?) (?:under|up|inside|down|into) (?:her|his|my|your) (?:shirt|skirt|dress|pants|top|bra|underwear|panties|jeans)\b"
      r"|\b(?:send|sending|take|taking|post|posting|share|sharing)\s+(?:a\s+|my\s+|your\s+)?nudes?\b"
      r"|\b(?:penis|dick|cock)\b[^.?!]{0,35}\b(?:hard|erect)\b|\berect(?:ion|ions|ed)? (?:penis|dick)\b|\bwedding night\b|\bbest body parts?\b"
      r"|\b(?:hot|hottest|sexy|sexiest)\s+(?:actress(?:es)?|actors?|celebrit(?:y|ies)|girls?|women|woman|models?|guys?|boys?|men|teachers?|moms?)\b"
      r"|\bkiss me\b(?! goodnight)|\bcome closer\b[^.?!]{0,20}\b(?:kiss|touch|cuddle)\b"
      r"|\bflirt(?:ing|y)? with me\b|\b(?:sexy|seductive|sultry|flirty) voice\b|\bfind (?:me )?(?:some )?(?:sexy|hot|naked|bikini) (?:pics|pictures|photos|ones|girls|boys)\b",
      unless=_BIO + r"|sexual (?:harassment|abuse|assault|orientation)|what is (?:consent|sexual harassment)|report|health class|sleep with (?:a |my |the )?(?:teddy|stuffed|night ?light|blanket|dog|cat|lights?|pillow|mom|dad|parents|fan|door)|virgin (?:islands|mary|olive|atlantic|media|galactic|forest|snow|wool|soil|territory)|the virgin|eyes? closed|in bed (?:early|late)|sick in bed|stay(?:ed)? in bed|go to bed|story time|bedtime story|frog|prince|sleeping beauty|snow white|fairy ?tale|goodnight kiss|kiss (?:my|your|her|his) (?:mom|dad|grandma|grandpa|baby|cheek|forehead|hand)")
_rule("sex_crime", "assault",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?(?:rape|molest|grope|sexually (?:assault|abuse|harass)|roofie|drug|spike)\s+(?:her|him|them|someone|a (?:girl|boy|woman|man|kid)|my|girls|boys|women|people|(?:her|his|someone's|a girl's) drink)\b"
      r"|\b(?:spy on|film|record|peek at|watch|take (?:pics|photos|pictures|videos?) of)\s+(?:\S+\s+){0,4}?(?:chang(?:es|ing)|undress(?:es|ing)|shower(?:s|ing)|bath(?:es|ing)|is (?:changing|in the shower)|in the (?:shower|bathroom|locker room|changing room|toilet)|naked)\b"
      r"|\b(?:hide|put|place|set up|install|plant|sneak)\s+(?:a |my |the |some )?(?:hidden |secret |spy |small |tiny )?(?:camera|cam|phone|webcam)s?\s+(?:in|into|inside)\s+(?:the |a |her |his |girls'?|boys'?|my \S+ )?(?:\w+\s+)?(?:bathroom|locker room|changing room|shower|bedroom|toilet|stall|dressing room)s?\b"
      r"|\b(?:put|slip|add|pour|spike|drop)\s+(?:something|stuff|a pill|pills|drugs?|medicine|sleeping pills|alcohol|vodka|a roofie)\s+(?:in|into)\s+(?:her|his|their|a girl's|a boy's|someone's|my \S+|the \S+|\S+'s)\s+(?:\w+\s+)?(?:drink|soda|juice|cup|food|water|punch)\b"
      r"|\b(?:see|watch|spy on|peek at|look at|stare at|film|record)\s+(?:\S+\s+){0,4}?(?:undress\w*|chang(?:ing|es)|shower\w*|naked|in (?:her|his|the) (?:bedroom|shower|bathroom))\b[^.?!]{0,30}\bwindow\b|\bthrough (?:the|her|his|their) (?:bedroom |bathroom )?window\b[^.?!]{0,30}\b(?:undress\w*|chang(?:ing|es)|shower\w*|naked)\b"
      r"|\b(?:record|film|video|photograph|take (?:pics|pictures|photos|videos?) (?:in|of))\s+(?:in\s+)?(?:the\s+)?(?:girls'?|boys'?|women's|men's)\s+(?:locker room|bathroom|changing room|shower|toilet|stall)s?\b"
      r"|\b(?:touch|kiss|grab|hug|feel up)\w*\s+(?:someone|somebody|her|him|them|a girl|a boy|people|girls|boys)\b[^.?!]{0,40}\b(?:doesn't want|don't want|does not want|without (?:their|her|his) (?:permission|consent)|without (?:them|her|him) knowing|when (?:they|she|he) says? no|even if (?:she|he|they) says? no)\b"
      r"|\b(?:share|post|spread|send around|leak|upload)\s+(?:\S+\s+){0,3}?(?:private|intimate|naked|nude|personal|secret) (?:pics|pictures|photos|videos|images|selfies)\b"
      r"|\b(?:get|make)\s+(?:her|him|them|someone|somebody|a girl|a boy)\s+(?:so\s+)?(?:drunk|high|pass out|sleepy|wasted)\b[^.?!]{0,30}\b(?:can't|cannot|won't be able to|isn't able to) (?:say no|fight|resist|remember|stop)\b|\bso (?:she|he|they) (?:can't|cannot|won't) (?:say no|resist|fight back|remember)\b"
      r"|\b(?:film|record|photo\w*|pics?|pictures?|look|peek|camera|phone)\s+(?:up|under)\s+(?:a |her |his |someone's |a girl's |the )?(?:\w+\s+)?(?:skirt|dress)\b"
      r"|\bupskirt\w*|\b(?:hidden|secret|spy) (?:camera|cam)s? (?:in|into) (?:the|a|her|his|girls'?|boys'?) (?:bathroom|locker room|changing room|shower|bedroom|toilet)"
      r"|\b(?:share|post|spread|send around|leak)\s+(?:\S+\s+){0,2}?(?:nudes|naked (?:pics|pictures|photos)|her (?:pics|photos|nudes)|his (?:pics|nudes))\b(?=[^.?!]{0,40}\b(?:her|his|my ex|without|revenge|school|everyone|friends)\b)"
      r"|\bi(?:'m| am)? (?:going to|gonna|will|want to) rape\b|\brape (?:her|him|you|them)\b",
      unless=r"how to (?:stop|prevent|report|avoid|protect)|protect (?:yourself|myself|your drink)|awareness|history|nanking|what is|what does|is it (?:illegal|wrong)")

# ---------------------------------------------------------------------------- violence (S1) and weapons
_VIOLENT = (r"(?:kill|murder|stab|shoot|strangle|choke|poison|hurt|harm|beat up|punch|kick|attack|torture|burn|drown|smother|"
            r"suffocate|assassinate|slap|bash|knock out|knife|mutilate|maim|cripple|run over|bully|break (?:\w+ )?(?:arm|leg|neck|nose|jaw|bones?|fingers?))")
_rule("violence", "intent_against_people",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,3}?" + _VIOLENT + r"\s+" + PEOPLE,
      unless=r"(?:kill|shoot|attack|beat)\s+" + BENIGN_TARGETS + r"|" + GAMES + r"|self[- ]defen[cs]e|defend (?:myself|yourself)|protect|feelings|in (?:the )?(?:story|book|play|novel)|character|villain|if (?:a|someone) (?:attacks|is attacking)|what to do if|tag|pretend|\b(?:lol|lmao|jk|haha\w*|hehe\w*)\b")
_rule("violence", "threat",
      r"\b(?:i|i'm|we|i am)\s*(?:going to|will|'ll|gonna|want to|am gonna|swear i'll|swear i will|am about to|'m about to|'m going to|plan to|am planning to|'m planning to)\s+(?:\w+\s+){0,5}?(?:kill|murder|stab|shoot|hurt|beat up|punch|strangle|choke|poison|burn down|blow up|jump|destroy)\s+"
      r"(?:you|him|her|them|everyone|every|my|his|her|that|this|the|all|some|people|someone|somebody|[a-z]+'s)\b",
      unless=r"(?:kill|shoot|destroy|blow up|beat up|jump)\s+" + BENIGN_TARGETS + r"|" + GAMES + r"|\b(?:lol|lmao|jk|haha\\w*|hehe\\w*)\b|this (?:\\w+ )?(?:test|quiz|exam|level|game|homework)|the (?:test|quiz|exam|competition|game|level)|destroy (?:the|my|this) (?:test|competition|homework|other team)")
_rule("violence", "break_bones",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?break\s+(?:his|her|their|someone's|somebody's|my (?:\w+ )?\w+'s|[a-z]+'s|a (?:kid|boy|girl|person)'s)\s+(?:arm|arms|leg|legs|neck|nose|jaw|bones?|fingers?|ribs?|skull|teeth)\b",
      unless=GAMES + r"|heart|promise|record|spirit")
_rule("violence", "gun_to_school",
      r"\b(?:bring|take|sneak|carry|brought|took|snuck|sneaking|bringing|taking|carrying)\s+(?:a |an |my |his |her |the |some |real |loaded |my (?:\w+ )?(?:dad|mom|father|parents|brother|uncle)'?s? )?(?:\w+\s+)?(?:gun|guns|pistol|handgun|rifle|shotgun|ar-?15|glock|firearm|bomb|explosives?)\s+(?:to|into|in|at|on)\s+(?:school|class|the school|my school|the bus)\b",
      unless=r"water gun|nerf|toy|glue gun|not allowed|rules say|is it illegal|why can't|what happens if someone|should i tell|saw someone|someone brought|a kid brought|told a teacher")
_rule("violence", "school_attack",
      r"\bshoot(?:ing)? up (?:the|my|a|our|this|that) (?:school|class|classroom|mall|church|mosque|synagogue|party|place)\b|\b(?:plan|planning|do|doing|start|carry out) (?:a |the )?(?:school shooting|mass shooting|massacre|shooting spree|stabbing spree)\b"
      r"|\b(?:bomb|blow up|burn down|attack) (?:the|my|our|a) (?:school|classroom|class|bus|church|mosque|synagogue|temple|mall|teachers?)\b(?!\s+(?:test|quiz))"
      r"|\b(?:bombs?|explosives?|guns?|pipe bombs?)\s+(?:for|at|in|into|to)\s+(?:the |my |our )?(?:school|class|classroom)\b"
      r"|\b(?:hit|kill|hurt|shoot|stab) list\b",
      unless=r"history|lockdown|drill|safe|survive|what to do|why do|news|prevent")
_rule("violence", "wish_harm",
      r"\bi (?:hope|wish|want) (?:you|he|she|they|my \w+|that \w+|this \w+)(?:'d)? (?:would )?(?:dies?|get(?:s)? (?:killed|hurt|run over|cancer|hit by a car)|drops? dead|burns? in hell)\b",
      unless=r"(?:plant|fish|bug|battery|lights?|phone)s? dies")
_rule("violence", "animal_cruelty",
      r"\b(?:" + INTENT + r"|fun to|funny to)\s+(?:\w+\s+){0,2}?(?:torture|kill|hurt|drown|burn|poison|kick|throw|abuse|starve)\s+(?:a |the |my |his |her |our |some |stray |neighbou?r'?s? )?(?:\w+\s+)?(?:cats?|dogs?|kittens?|puppies|puppy|hamsters?|birds?|animals?|pets?|rabbits?|bunny|bunnies|guinea pigs?)\b",
      unless=GAMES + r"|mosquito|fleas?|ticks?|lice|pests?")
_rule("violence", "how_to_hurt_output",
      r"\b(?:you (?:should|could|can|need to)|try to|first,?|then|the best way is to)\s+(?:\w+\s+)?(?:stab|shoot|choke|strangle|poison|punch|hit|kick|beat|hurt)\s+(?:him|her|them|the person|your (?:brother|sister|classmate|teacher|friend|bully|enemy))\b(?:\s+(?:in|with|until|so|hard|where|really))",
      unless=r"(?:stab|shoot|choke|strangle|poison|punch|hit|kick|beat|hurt)\s+" + BENIGN_TARGETS + r"|" + GAMES + r"|self[- ]defen[cs]e|defend|protect|ball", directions=("output",))
_rule("drugs_weapons", "get_weapon",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?(?:get|buy|make|build|3d ?print|find|sneak|bring|carry|hide|steal|take|use|load|shoot|fire|borrow|get ahold of|get my hands on|order|sharpen)\s+"
      r"(?:a |an |my |his |her |some |the |their |real |loaded |my (?:\w+ )?(?:dad|mom|father|mother|parents|brother|uncle|grandpa|stepdad)'?s? )?(?:\w+\s+)?" + WEAPON + r"\b",
      unless=GAMES + r"|cook|cooking|chef|kitchen|butter knife|plastic (?:knife|knives|fork|spoon)|for my lunch|cut(?:ting)? (?:the |an? )?(?:apple|vegetables|onions?|bread|cake|food|fruit|carrots?|potatoes?|meat|steak|paper|tape)|safely|safety|carving|pumpkin|whittl|scout|fish|fishing|knife and fork|table setting|history|historical|civil war|revolutionary war|medieval|samurai|museum|glue gun|nail gun|staple gun|hot glue|radar gun|spray gun|heat gun|camera|photo|starting gun|flare gun|(?:gun|weapon) (?:control|laws?|violence|safety)")
_rule("drugs_weapons", "weapon_shopping",
      r"\b(?:easiest|cheapest|best|fastest|quietest|smallest) (?:\w+ )?(?:gun|guns|pistol|handgun|rifle|weapon|knife|switchblade) (?:to buy|to get|for (?:a )?(?:kid|teen|me)|to hide|to carry)\b",
      unless=GAMES)
_rule("violence", "make_bleed",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?make\s+(?:someone|somebody|him|her|them|my \w+|a kid|that kid|people|the \w+)\s+(?:bleed|suffer|pass out|faint|stop breathing|cry in pain|scream in pain)\b",
      unless=GAMES + r"|story|character|villain|laugh|cry (?:laughing|with joy)")
_rule("violence", "weapon_to_hurt",
      r"\b(?:weapon|knife|gun|bat|stick|rock|shiv|blade|poison|something)\s+(?:\w+\s+){0,3}?(?:to|that can|that could|i can use to|so i can)\s+(?:hurt|kill|stab|shoot|attack|beat up|poison)\s+" + PEOPLE,
      unless=GAMES + r"|self[- ]defen[cs]e|story|character|villain")
_rule("drugs_weapons", "weapon_to_school",
      r"\b(?:bring|take|sneak|carry|brought|took|snuck|sneaking|bringing|taking|carrying|have)\s+(?:a |an |my |his |her |the |some |real |loaded |my (?:\w+ )?(?:dad|mom|father|parents|brother|uncle)'?s? )?(?:\w+\s+)?(?:" + WEAPON + r"|vape|vapes|weed|alcohol|beer|edibles|pills)\s+(?:to|into|in|at|on)\s+(?:school|class|the school|my school|the bus|recess|the playground|camp)\b",
      unless=r"water gun|nerf|toy|glue gun|not allowed|rules say|is it illegal|why can't|what happens if someone|should i tell|saw someone|someone brought|a kid brought|told a teacher")
_rule("drugs_weapons", "get_drugs",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?(?:get|buy|find|score|grow|make|cook|order|try|smoke|vape|snort|inject|sneak|hide|steal|take|do|use|drink|roll|buy|afford|get away with|pass a drug test (?:after|with))\s+"
      r"(?:some |a |an |my |more |the |real |cheap |(?:my )?(?:mom|dad|parents|brother|sister)'?s? )?" + DRUG + r"\b",
      unless=r"\bfor (?:a |my )?(?:report|project|essay|class|presentation)|dangers?|why (?:is|are) \w+ bad|effects? of|history|prohibition|say no|quit|stop (?:vaping|smoking)|help (?:my|a) (?:friend|parent|mom|dad) (?:stop|quit)|to (?:stop|quit)|medicine cabinet safely|prescribed|my doctor|ginger beer|root beer|police|dogs?|k-?9|detect\\w*|sniffer")
_rule("drugs_weapons", "get_high",
      r"\b(?:how|ways?|best way|easiest way|want to|let's|lets|going to|trying to|try to|help me|can i|should i|i wanna|gonna|i (?:want|like) to|love to|tonight i'll|i'm about to|fun to)\b[^.?!]{0,25}\b(?:get|getting|be|go)\s+(?:high|stoned|drunk|wasted|baked|faded|buzzed|tipsy|hammered|lit on|smashed|trip(?:ping)?|fried|zooted)\b"
      r"|\b(?:get|getting) (?:high|stoned|drunk|wasted|baked|faded) (?:on|off|with|from) (?:\w+ ){0,2}?(?:pills|cough syrup|sprite|markers|glue|nutmeg|benadryl|nyquil|hand sanitizer|mouthwash|vanilla extract|paint|gas)\b"
      r"|\b(?:what|which|any|some)\s+(?:\w+\s+)?(?:pills|drugs|meds|medicines?|stuff|things|plants|household (?:items|things|products)|sprays?)\s+(?:can|will|would|could|to|that|do)\s+(?:get|make)\s+(?:you|me|us|someone|a person|people)\s+(?:high|drunk|stoned|trip|hallucinate|wasted)\b"
      r"|\b(?:gets?|make|makes) (?:you|me|u) (?:drunk|high|stoned|wasted|buzzed|tipsy|faded)\b(?=[^.?!]{0,30}\b(?:fastest|quickest|most|best|easiest|fast|quick)\b)|\b(?:fastest|quickest|best|easiest) (?:way )?(?:\w+ )?(?:to )?get (?:you |me )?(?:drunk|high|stoned)\b"
      r"|\b(?:drugs|pills)\s+(?:\w+\s+)?(?:make|makes|get|gets)\s+(?:you|me|people)\s+(?:feel\s+)?(?:happy|good|high|amazing|euphoric|numb|relaxed|calm|floaty)\b"
      r"|\b(?:so (?:i|we) can|so that (?:i|we) can|in order to|to)\s+(?:get|be)\s+(?:high|stoned|drunk|wasted|baked|faded|buzzed|tipsy|hammered)\b"
      r"|\b(?:hit|rip) (?:my|a|the|his|her) (?:vape|juul|pen|cart|bong|blunt)\b|\bi (?:smoke|vape|drink|do) (?:weed|every day|at school|in the bathroom|before school|alone)\b"
      r"|\bwhere (?:can|do|to) (?:i|kids|teens|you|people)\b(?:\s+\w+){0,4}?\s+(?:get|buy|find) (?:\w+ )?(?:vapes?|juuls?|weed|carts|alcohol|beer|cigs|cigarettes|edibles|drugs|pills)\b"
      r"|\b(?:hide|hiding|conceal) (?:my|the|a) (?:vape|juul|weed|stash|alcohol|pills|bottle|beer|cigs|cigarettes|lighter)\b"
      r"|\bfake (?:id|i\.d\.)\b(?=[^.?!]{0,30}\b(?:beer|alcohol|buy|vape|club|bar|drinks?|liquor|get)\b)",
      unless=r"what (?:happens|does it mean)|why do (?:people|kids|teens)|\bdangers?\b|effects? of|is it (?:bad|safe|dangerous)|but why|my teacher said|is it true|report|project|essay|history|prohibition|say no|how to stop|quit|help (?:my|a) friend|kite|plane|altitude|mountain|balloon|doctor|depress\w*|prescri\w*|medicine for")

# ---------------------------------------------------------------------------- indiscriminate weapons (S9)
_rule("indiscriminate_weapons", "make",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,3}?(?:mak(?:e|ing)|build(?:ing)?|creat(?:e|ing)|assembl(?:e|ing)|mix(?:ing)?|cook(?:ing)?|set(?:ting)? off|detonat(?:e|ing)|plant(?:ing)?|construct(?:ing)?|get(?:ting)?|buy(?:ing)?|synthesi[sz](?:e|ing)|produc(?:e|ing)|grow(?:ing)?|weaponi[sz](?:e|ing)|spread(?:ing)?|releas(?:e|ing)|3d print(?:ing)?)\s+(?:a |an |some |my own |homemade |real |the )?(?:\w+\s+)?"
      r"(?:bombs?|pipe ?bombs?|explosives?|explosive device|molotov(?: cocktails?)?|napalm|grenades?|nerve (?:gas|agent)|poison(?:ous)? gas|toxic gas|chlorine gas|mustard gas|sarin|vx|anthrax|ricin|botulinum|bioweapons?|biological weapons?|chemical weapons?|dirty bombs?|nuclear (?:bomb|weapon)s?|atomic bomb|nukes?|thermite|tnt|c-?4|ieds?|car bombs?|fertili[sz]er bombs?|landmines?|claymore|smoke bombs?|flash ?bangs?|fireworks? bomb|m-?80s?|cherry bombs?|dry ice bombs?|bottle bombs?|chlorine bombs?|a virus to kill|plague|sulfur mustard|hydrogen cyanide|cyanide)\b",
      unless=r"bath ?bombs?|seed ?bombs?|glitter bombs?|photo ?bombs?|cherry bomb (?:song|lyrics)|bomb (?:dot com|pop|pops|diggity)|video ?bomb|f-bomb|in (?:minecraft|fortnite|roblox|the game)|tnt in minecraft|history|historical|ww2|wwii|manhattan project|how did|how does|why did|report|essay|volcano|baking soda volcano|a story about|protect|detect|defuse|safety")
_rule("indiscriminate_weapons", "make_pathogen",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?(?:make|create|engineer|build|spread|release|cook up|design|grow)\s+(?:a |an |some )?(?:\w+\s+)?(?:virus|disease|germ|poison|gas|toxin|bioweapon|plague|pathogen|bacteria)\s+(?:that|to|which)\s+(?:can |could |will |would )?(?:kills?|infects?|hurts?|poisons?|wipes? out|makes? people sick)\b",
      unless=r"computer virus|in (?:the )?(?:game|pandemic game|plague inc)|plague inc|for a (?:story|game)|vaccine")
_rule("indiscriminate_weapons", "mass_harm",
      r"\b(?:poison|virus|gas|bomb|weapon|disease|germ|chemical|toxin)s?\b[^.?!]{0,30}\b(?:kill|hurt|infect|poison|wipe out)\s+(?:a lot of|lots of|many|hundreds of|thousands of|millions of|everyone|everybody|the whole|all the|a bunch of)\s*(?:people|kids|students|class|school|town|city|humans|world)?\b"
      r"|\b(?:poison|contaminate)\s+(?:the|a|our|my)\s+(?:\w+\s+)?(?:water supply|reservoir|school lunch|cafeteria|food supply|punch bowl|city)\b|\b(?:mix|combine)\s+(?:bleach|ammonia|chlorine)\b[^.?!]{0,40}\b(?:to (?:make|create|kill|hurt|poison|gas)|and (?:put|pour|spray|leave) (?:it )?(?:in|into|near|on) (?:the|a|my|her|his) (?:\w+ )?(?:room|vent|class|school|house|locker|bathroom))",
      unless=r"never|don't|do not|dangerous|why (?:is|is it)|what happens|safety|warning|accident|history|historical|black death|plague in|pandemic|vaccine|how did|why did|in the past|ww1|ww2|world war|antibiotics|doctors")

# ---------------------------------------------------------------------------- dangerous challenges
# a challenge named to warn about it, report it or write about it (both name lists use it)
CHALLENGE_WARNINGS = r"why (?:is|are)\b[^.?!]{0,40}dangerous|(?:is|are|was) (?:very |really |so |super |extremely )?(?:dangerous|harmful|deadly|unsafe|risky)|never (?:try|do)|(?:don't|do not|please don't) (?:try|do)|why (?:shouldn'?t|should not)|report|warn|protect|dangers|news|article|essay|teach (?:kids|parents|students|children) about|parents should|stay safe|avoid|should i tell"
_rule("dangerous_challenge", "named",
      r"\b(?:blackout|black ?out|choking|choke|pass ?out|passout|fainting|skull ?breaker|skullbreaker|tripping ?jump|benadryl|tide ?pods?|cinnamon|fire|salt (?:and|&) ice|ice (?:and|&) salt|milk ?crate|one ?chip|nutmeg|kia|hot water|deodorant|chroming|orbeez|nyquil chicken|sleepy chicken|penny|outlet|car surfing|subway surfing|train surfing|silhouette|hold your breath|kiki|bird box|momo|shell shock|dry scoop(?:ing)?|preworkout|pre-workout|jump(?:ing)? off|roof ?top|rooftop|swallow|gallon|coronavirus|corona|toilet seat|lick|magnet|button battery|bath salts|eyeball|knockout|knock ?out|crate|scarf|belt|rope|bridge|highway|vape|car|duster|airbag|shoplifting|devious lick|pill)\s+(?:challenge|game|trend|dare)s?\b",
      unless=CHALLENGE_WARNINGS + r"|(?:math|spelling|reading|book|coding|science|plank|fitness|kindness|ice bucket|water|mannequin|harlem|running|step|reading|fun) challenge")
_rule("dangerous_challenge", "bare_names",
      r"\b(?:skull ?breaker|blackout challenge|choking game|pass ?out (?:game|challenge)|fainting game|tide ?pod challenge|benadryl challenge|chroming|nyquil chicken|sleepy chicken|one chip challenge|cinnamon challenge)\b",
      unless=CHALLENGE_WARNINGS + r"|is it dangerous|wrestling move")
_rule("dangerous_challenge", "eat_pods",
      r"\b(?:eat|eating|ate|bite|biting|chew|chewing|swallow|swallowing|taste|tasting|lick|licking|drink|drinking)\s+(?:a |an |some |the |my |those |these )?(?:tide ?pods?|laundry (?:pods?|detergent)|dishwasher (?:pods?|tablets?)|detergent pods?|bleach|hand sanitizer|deodorant|magnets?|button batter(?:y|ies)|batter(?:y|ies)|orbeez|water beads?|silica gel|nail polish remover|cleaning products?|a spoonful of cinnamon|spoonful of cinnamon|a whole (?:bottle|tube) of)\b",
      unless=r"what (?:happens|to do) if (?:my|a|the) (?:baby|little|toddler|dog|cat|brother|sister|sibling)|poison control|why (?:is|are) it|don't|never|accidentally|dangerous because|emergency|warning|why (?:shouldn'?t|should not|can'?t|cannot)|almost (?:did|ate|swallowed)|keep (?:\w+ )?away")
_rule("dangerous_challenge", "huffing_choking",
      r"\b(?:huff|huffing|sniff|sniffing|inhale|inhaling|breathe in|breathing in)\s+(?:a |the |some |from )?(?:paint|glue|markers?|sharpies?|gas|gasoline|aerosol|spray paint|spray cans?|deodorant|whipped cream|whippets|nitrous|computer duster|air duster|duster|keyboard cleaner|nail polish remover|lighter fluid|freon|helium from the tank|bleach|paint thinner)\b"
      r"|\b(?:chok(?:e|ing)|strangl(?:e|ing)|suffocat(?:e|ing))\s+(?:myself|yourself|each other|ourselves)\s+(?:to|until|till|for|so)\b|\b(?:make|making)\s+(?:myself|yourself|ourselves|each other|your friend|my friend|someone)\s+(?:pass out|faint|black out|blackout)\b"
      r"|\b(?:how (?:to|do i|do you|can i|can you)|ways to|fun to)\s+(?:\w+\s+)?(?:pass out|faint|black out) (?:on purpose|for fun|to get high|quickly|fast)\b|\bhold (?:my|your|our) breath (?:until|till|to|so) (?:i |you |we )?(?:pass out|faint|black out)\b"
      r"|\b(?:put|stick|insert|shove)\s+(?:a |the |my |some )?(?:fork|knife|penny|paper ?clip|coin|key|bobby pin|metal)\s+(?:\w+\s+)?(?:in|into)\s+(?:a |the )?(?:outlet|socket|plug|toaster|microwave)\b"
      r"|\b(?:jump|jumping|flip|backflip)\s+(?:off|from)\s+(?:the |a |my |our )?(?:roof|balcony|bridge|cliff|second floor|third floor|window|garage)\b(?=[^.?!]{0,40}\b(?:challenge|video|tiktok|dare|for (?:fun|views|likes)|into|onto)\b)"
      r"|\b(?:set|light|lit)\s+(?:myself|yourself|my (?:hair|arm|hand|clothes)|your (?:hair|arm|hand)|my friend|each other)\s+on fire\b"
      r"|\b(?:take|took|drink|drank|eat|ate|swallow)\s+(?:like |about )?(?:\d+|a lot of|lots of|a bunch of|a handful of|a whole bottle of|too much|too many|many|tons of)\s+(?:\w+\s+)?(?:benadryl|nyquil|dayquil|cough syrup|cough medicine|sleep(?:ing)? pills|melatonin|caffeine pills|energy drinks|pre-?workout|allergy pills|motion sickness pills|dramamine)\b(?=[^.?!]{0,40}\b(?:trip|hallucinat|high|challenge|see things|fun|dare|tiktok)\b)"
      r"|\b(?:belt|rope|cord|string|plastic bag|bag|shoelace|leash|hands?)\s+(?:\w+\s+)?(?:around|over)\s+(?:your|my|his|her|their|each other's|someone's)\s+(?:neck|throat|head)\b"
      r"|\b(?:benadryl|nyquil|dxm|robitussin|cough syrup|dramamine|diphenhydramine|nutmeg)\b[^.?!]{0,40}\b(?:see things|trip|tripping|hallucinat\w*|get high|feel high)\b"
      r"|\b(?:car|subway|train|bus|truck)\s+surfing\b|\b(?:dry scoop|dry scooping)\b|\b(?:lie|lay|lying|laying)\s+(?:down\s+)?(?:on|in)\s+(?:the |a )?(?:train tracks|railroad tracks|road|highway|street)\b(?=[^.?!]{0,30}\b(?:challenge|dare|video|fun|until|for)\b)",
      unless=r"why (?:is|are)\b[^.?!]{0,40}dangerous|why (?:shouldn't|should not|can't|cannot|not)|what (?:happens|should i do) if|safety|poison control|never|don't|report|essay|first aid|heimlich|help (?:someone|a person) (?:who is )?choking|is choking|stage|character")

# ---------------------------------------------------------------------------- hate (S10)
_rule("hate", "slurs",
      r"\b(?:n[i1!]gg(?:er|a|ah|uh|az|ers|as)s?|n[i1]g\b|f[a@]gg?(?:ot|it|ots|s)?\b|f[a@]g\b|tr[a@]nn(?:y|ies)|ch[i1]nks?|sp[i1]cs?|sp[i1]ck?s|k[i1]kes?|wetbacks?|gooks?|ragheads?|towelheads?|beaners?|p[a@]kis?|zipperheads?|sand ?n\w+|camel jockeys?|retard(?:s|ed)?|tards?|spaz(?:zes)?|mongoloids?|shemales?|dykes?|coons?|jigaboos?|porch monkeys?|kaffirs?|golliwogs?|gyppos?|negroes|heebs?|hymies?|dindus?|groypers?)\b",
      unless=r"raccoons?|coon ?hound|dutch|netherlands|flood|levee|dike|sea wall|polder|fire[- ]?retard|flame[- ]?retard|retardant|retard (?:the|a|its|their) (?:growth|reaction|rate|process|spread|fire)|slur(?:s)? (?:is|are) (?:hurtful|wrong|bad)|what (?:does|is) (?:the word|a slur)|pakistan|spick and span|spic and span|fag(?:ot|gots?)? (?:of|bundle) (?:wood|sticks)|bundle of sticks|cigarette.{0,10}uk|negro league|united negro|negro spirituals?|american negro|negro (?:history|leagues?)")
_rule("hate", "dehumanise",
      r"\b(?:all |those |these |most |the |every |fucking |stupid |dumb )?" + GROUPS + r"\s+(?:are|r|is|were)\s+(?:all\s+|so\s+|just\s+|really\s+|basically\s+|nothing but\s+|a bunch of\s+)?(?:stupid|dumb|evil|dirty|filthy|animals|subhuman|inferior|terrorists|criminals|disgusting|trash|garbage|lazy|thieves|rapists|the worst|a disease|vermin|monkeys|apes|rats|cockroaches|parasites|gross|worthless|not human|not people|less than human|a plague|savages|ugly|smelly|freaks|weirdos|abominations|unnatural|mentally ill|not normal|losers|a mistake|sick in the head)\b"
      r"|\b" + GROUPS + r"\s+(?:should|must|need to|deserve to|ought to|have to)\s+(?:all\s+)?(?:die|be killed|be gassed|be deported|go back|be banned|burn|not exist|be slaves|be shot|be locked up|be wiped out|be exterminated|leave|get out)\b"
      r"|\b(?:i|we|everyone should|you should)\s+(?:\w+\s+)?(?:hate|despise|can't stand)\s+(?:all\s+|the\s+)?" + GROUPS + r"\b"
      r"|\b(?:kill|gas|deport|get rid of|exterminate|wipe out|lynch|hang|shoot|ban|eliminate)\s+(?:all\s+)?(?:the\s+|of the\s+)?" + GROUPS + r"\b"
      r"|\bwhy (?:are|do|does) " + GROUPS + r"\s+(?:so\s+|all\s+|always\s+)?(?:stupid|dumb|evil|lazy|dirty|smelly|smell|stink|ugly|bad at|annoying|greedy|cheap|violent|inferior|gross|weird|look weird|talk funny)\b"
      r"|\b(?:tell|write|say|give|make|know|share)\s+(?:me\s+)?(?:a\s+|some\s+|any\s+)?(?:racist|sexist|homophobic|transphobic|antisemitic|anti-semitic|islamophobic|ableist|offensive|nazi)\s+(?:joke|jokes|meme|memes|names?|slurs?|insults?|things|song|poem|story|rap)\b"
      r"|\b(?:joke|jokes|memes?|insults?|names to call|names for|slurs for|slurs about|mean names for)\s+(?:about\s+|for\s+|making fun of\s+|to call\s+)?(?:\w+\s+)?" + GROUPS + r"\b",
      unless=r"why did (?:hitler|the nazis)|nazis (?:thought|believed|said|claimed)|propaganda|history|historical|civil rights|segregation|slavery|jim crow|was wrong|is wrong|why do (?:some )?people (?:say|tell|make|think|post)|what (?:should|do) i do (?:if|when)|someone (?:says|said|told)|is it (?:ok|okay|wrong) to|stereotypes? (?:is|are) (?:wrong|harmful)|how to (?:stop|fight|respond)|people used to (?:say|think)|in the 1|hundreds of years ago|explain why (?:this|it) is")
_rule("hate", "nazi_denial",
      r"\b(?:hitler|the nazis?|nazis?|the kkk|kkk)\s+(?:was|were|is|are|did)\s+(?:right|a hero|heroes|nothing wrong|good (?:people|guys|men)|the good guys|awesome|cool|my hero)\b"
      r"|\b(?:the )?(?:holocaust|shoah|slavery|genocide)\s+(?:never happened|didn't happen|did not happen|is fake|was fake|is a hoax|was a hoax|is a lie|was a lie|was good|wasn't (?:that )?bad|was not (?:that )?bad|was deserved|is exaggerated|was exaggerated|was a good thing|should happen again)\b"
      r"|\b(?:heil hitler|sieg heil|white power|white pride world ?wide|1488|14 words|race war now|great replacement|gas the \w+|jews will not replace|zionist occupied|zog|kill all)\b"
      r"|\b(?:we|you|everyone) should (?:bring back|have another|do another|start a) (?:the )?(?:holocaust|genocide|slavery|race war)\b",
      unless=r"some people (?:say|claim|falsely)|deniers? (?:say|claim)|is it true|why do people|debunk|propaganda|history class|did hitler|was hitler|kill all (?:the )?(?:\w+ )?(?:germs|bacteria|weeds|bugs|zombies|enemies|monsters|processes|mosquito|lights|tasks|apps|tabs|programs|windows|jobs|threads)")

# ---------------------------------------------------------------------------- bullying
_INSULT = (r"(?:ugly|fat|fatty|stupid|dumb|idiot|idiotic|loser|worthless|pathetic|disgusting|freak|freakish|retarded|gross|weirdo|useless|trash|garbage|"
           r"failure|smelly|stinky|a waste of space|a waste of oxygen|nothing|nobody|a nobody|a joke|a clown|a baby|an idiot|a moron|moron|dumbass|"
           r"brainless|annoying|creepy|a creep|a psycho|psycho|a pig|a cow|a whale|ugly as|hideous|a fat|so fat|obese|a failure|unlovable|a mistake|an accident|a reject|dweeb|nerd|geek|lame|poor|a loser|a dork|dork|a freak|crybaby|a crybaby|pig|cow|whale|gay|so gay|a fag|"
           r"(?:a |an )?(?:bitch|asshole|jerk|dick|dickhead|bastard|slut|whore|hoe|cunt|twat|prick|retard|faggot|fag|tard|spaz|dumbass))")
_rule("bullying", "insult_you",
      r"\b(?:you(?:'re| are| r|re)?|your|ur|u r|you look|you smell|you're such|you are such|you're so|you are so|she's|she is|he's|he is|they're|they are|ur so|shut up,?(?: you)?|(?:that|this) (?:kid|boy|girl|guy|dude|person|new kid|teacher) (?:is|looks)|(?:my )?(?:sister|brother|classmate|teacher) is)\s+(?:so\s+|such\s+(?:a|an)\s+|a\s+|an\s+|really\s+|very\s+|the most\s+|literally\s+|just\s+|fucking\s+|freaking\s+|an? ugly\s+|an? fat\s+|an? stupid\s+)*" + _INSULT + r"\b"
      r"(?!\s+(?:question|questions|answer|mistake|problem|idea|joke|thing|rule|game|phone|job|dog|cat|name|movie|show|book|song|test|homework|math|weather|traffic|day|week|sound|noise|school|computer|program|code|error|bug))",
      unless=r"(?:not|never|aren't|isn't|are not|is not|ain't) (?:so |a |an )?" + _INSULT + r"|how (?:do|can|should) i (?:calm down|share|deal|get along|stop being mad)|(?:little|baby|younger) (?:sister|brother) is so annoying|(?:nobody|no one|don't let anyone) (?:should )?(?:tell|call|say)|someone (?:says|said|called|calls)|(?:they|he|she|kids|people|everyone) (?:call|called|says|said|tell|told)(?: me)?|(?:call|called|calls) me|what (?:should|can|do) i do|how (?:do|can|should) i (?:respond|handle|deal|stop|tell)|feel like|i feel|is it true|in the (?:story|book|poem)|character|fat (?:cells|molecules|content|tissue)|(?:a|the) (?:pig|cow|whale|nerd|geek) (?:is|has|eats|lives|can)|you're (?:a |an )?(?:\w+ )?(?:genius|smart)|poor (?:thing|kid|baby|dog|cat)|you look (?:tired|sick|cold)|gay (?:rights|marriage|people|couples?|pride)|he is (?:poor|a nerd|a geek)|she is (?:poor|a nerd|a geek)|(?:he|she|they) (?:is|are|was) (?:poor|nothing|nobody)")
_rule("bullying", "nobody_likes",
      r"\b(?:nobody|no one|no body|noone)\s+(?:likes|loves|cares about|wants|will ever (?:love|like|want)|would (?:ever )?(?:love|like|miss|want))\s+(?:you|her|him|them)\b|\beveryone (?:hates|laughs at|is laughing at) (?:you|her|him|them)\b"
      r"|\bgo (?:die|kill yourself|jump off a (?:bridge|cliff)|drink bleach|cry about it)\b|(?:^|[.!?,]\s*|\byou\s+|\bjust\s+go\s+)just (?:die|kill yourself|disappear)\b|\bkys\b|\bkill yourself\b"
      r"|\b(?:nobody|no one|no body) would (?:care|notice|miss you|cry|even care|even notice)(?: \w+){0,2} if you (?:died|disappeared|were (?:gone|dead)|killed yourself|weren't here|left forever)\b|\b(?:you|he|she|they) (?:should|deserve to) (?:just )?(?:die|be alone|cry|suffer|kill (?:yourself|himself|herself|themselves))\b"
      r"|\b(?:the world|everyone|we) would be better (?:off )?without you\b|\byou (?:don't|do not) deserve (?:to live|friends|to be here|anything)\b|\bdrop dead\b",
      unless=r"(?:someone|they|he|she|kids|people|everyone|a kid|a girl|a boy|my classmate)s? (?:says|said|told|tell|wrote|posted|texted|keep saying)(?: to)? me|(?:says|said|told) me to|nobody likes me|no one likes me|what should i do|how (?:do|can|should) i (?:respond|handle|deal|stop)|plants?|cells?|fire|battery|light|die down|die out|die off")
_rule("bullying", "mean_message",
      r"\b(?:write|make|create|come up with|think of|give me|help me (?:write|make|think of|come up with)|send|post|tell me|suggest|list)\s+(?:\w+\s+)?(?:a |an |some |the )?(?:really |super |very |extra )?(?:mean|nasty|cruel|hurtful|rude|embarrassing|humiliating|insulting|savage|brutal|harsh|evil|burn|diss)\s+"
      r"(?:message|messages|text|texts|comment|comments|note|notes|joke|jokes|post|posts|names?|nicknames?|roasts?|things?|words|insults?|lines?|song|poem|rap|meme|memes|rumou?rs?|dm|email|reply|comebacks?|caption)\b(?!\s+(?:i can say to stop|to stop|for a villain|for the villain|in a story))"
      r"|\b(?:insults|roasts|comebacks|mean names|names to call|mean jokes|mean things to say)\s+(?:for|about|to (?:say|use) (?:to|on|against)|against|on|to call)\s+(?!(?:a|the) (?:villain|character|story|bully))"
      r"|\b(?:make|making|made|makes) fun of\s+(?:a |my |this |that |the |her |his |our |some |this new |the new )?(?:(?:\w+\s+)?(?:kid|kids|classmate|classmates|friend|boy|girl|student|new kid|nerd|teacher|sister|brother|him|her|them|someone|somebody|fat kid|weird kid)\b|him\b|her\b|them\b|someone\b|somebody\b|[a-z]+\b)"
      r"|\b(?:tease|humiliate|embarrass|bully|insult|pick on|troll|cyberbully|exclude|ostracize|mock|laugh at|roast|body shame|fat shame|shame)\s+(?:a |my |this |that |the |her |his |our |some |this new |the new )?(?:(?:\w+\s+)?(?:kid|kids|classmate|classmates|friend|boy|girl|student|new kid|nerd|teacher|sister|brother|him|her|them|someone|somebody|fat kid|weird kid)\b|him\b|her\b|them\b|someone\b|somebody\b|[a-z]+ (?:about|for|because) (?:her|his|their))"
      r"|\b(?:how (?:do|can|could|to)|ways to|help me|best way to)\s+(?:i\s+)?(?:make|get)\s+(?:\w+\s+){0,2}?(?:cry|feel (?:bad|stupid|ugly|worthless|fat|sad|left out|terrible|small)|hate (?:herself|himself|themselves)|quit the team|leave (?:the|our|my) (?:school|class|group|team|table)|lose all (?:her|his|their) friends|kill (?:herself|himself|themselves))\b"
      r"|(?:\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?|(?:^|[.!?,]\s*)(?:please\s+)?|\blet's\s+|\blets\s+|\bgonna\s+|\bgoing to\s+|\bwant to\s+)(?:start|spread|make up)\s+(?:a |some |this )?(?:false |fake |mean |nasty |untrue |big |embarrassing )?(?:rumou?r|rumou?rs|lie|lies|gossip)\s+(?:about|that|so)\b|\bget everyone (?:to|in (?:my|the) class to) (?:hate|ignore|stop talking to|unfriend|laugh at|block)\b"
      r"|\b(?:leave|kick) (?:her|him|them|\w+) out of (?:the|our|my) (?:group|group chat|gc|table|game|party|team|club)\b(?=[^.?!]{0,40}\b(?:because|so|and make|on purpose|without)\b)"
      r"|\b(?:a |some )?roasts? (?:for|of|about|on) (?:my|a|this|that|the|her|him|them|someone|somebody)\b(?!\s+(?:\w+\s+)?(?:chicken|turkey|beef|pork|dinner|vegetables|potatoes|marshmallows?|coffee|lamb))"
      r"|\b(?:fat|ugly|stupid|yo mama|your mom|retard|gay) jokes? (?:about|for|to (?:say|tell) (?:to|about)) (?:my|a|this|the|her|him|them|\w+)\b"
      r"|\b(?:mean|meanest|worst|rudest|cruelest|nastiest|most hurtful|most embarrassing)\s+(?:thing|things|stuff|words?|names?)\s+(?:i can|i could|to|you can)\s+(?:say|tell|call|text|write|post)\s+(?:to\s+|about\s+)?(?:a|my|this|that|the|her|him|them|someone|somebody)\b",
      unless=r"what to do if|how to (?:stop|respond|deal|handle|help)|how (?:do|can|should) i (?:respond|react|handle|deal|stop|answer|tell|help|explain)|how can i help|why do (?:some )?(?:people|kids)|why is it (?:wrong|mean|bad)|is mean|friendly|kind roast|nothing mean|not mean|birthday|roast battle|comedy|cartoon|pretend roast|when (?:my|he|she) (?:\\w+ )?beats me|in (?:uno|chess|mario kart|smash|checkers|the game)|(?:if|when) (?:someone|somebody|a kid|kids|people) (?:makes?|make|made|keeps? making) fun|someone (?:is|was) (?:making fun|teasing|bullying)|(?:they|kids|people|he|she|someone) (?:make|made|makes|keep making) fun of (?:me|my)|for (?:a|the|my) (?:story|play|villain|character)|is it bullying|anti-bullying|why do (?:people|kids|bullies)|stop (?:a |the )?rumou?r|how do rumou?rs")

# ---------------------------------------------------------------------------- non-violent crimes (S2)
_rule("crime", "how_to_crime",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?(?:steal|shoplift|rob|pickpocket|break into|hack into|hack|hotwire|forge|counterfeit|scam|blackmail|extort|vandali[sz]e|spray ?paint|key (?:a|his|her|my \w+'s|the teacher's) car|slash (?:his|her|their|the|a|my \w+'s) tires|set fire to|burn down|shoplift from|sneak into|cheat (?:on|in) (?:\w+\s+){0,3}?without (?:getting caught|anyone knowing)|get away with|trespass|phish|catfish|launder|evade|embezzle|skip paying)\b"
      r"(?:\s+(?:\w+\s+){0,3}?(?:\w+))?",
      unless=r"protect|prevent|learning about|we(?:'re| are) (?:learning|studying)|for (?:my|our) (?:class|project|report|lesson)|stop (?:someone|people|hackers|scammers)|avoid (?:being|getting)|report|keep (?:my|your) (?:account|password|info) safe|what to do if|history|historical|robin hood|in the story|character|(?:how|why) did|great train robbery|hack(?:ing)? (?:a |my )?(?:math|homework|study|sleep|life|morning|school)|life ?hacks?|hack(?:ing)? (?:together|a solution|the code|my own|my code|my robot|my calculator)|hackathon|ethical hacking|cybersecurity|capture the flag|ctf|spray paint (?:a|the|my) (?:project|poster|sign|art|canvas|box)|get away with (?:a|an|one) (?:\w+ )?(?:answer|mistake|costume)|steal (?:a |the )?(?:base|bases|ball|show|spotlight|scene|idea)|rob (?:a |the )?(?:bank in|banks in)|steal (?:home|second|third)")
_rule("crime", "accounts",
      r"\b(?:hack|get into|log ?in(?:to)?|break into|access|take over|steal|guess|crack|find out|figure out|get)\s+(?:into\s+)?(?:my (?:\w+ )?(?:friend|sister|brother|mom|dad|teacher|crush|ex|classmate|enemy)'?s?|someone(?:'s| else's)|somebody's|his|her|their|a|the school'?s?|my teacher'?s?|another (?:person|kid|student)'?s?|[a-z]+'s)\s+"
      r"(?:\w+\s+)?(?:account|accounts|instagram|insta|snapchat|snap|email|gmail|roblox|fortnite|discord|tiktok|phone|ipad|computer|laptop|grades?|grade ?book|gradebook|wifi|wi-fi|network|system|password|passcode|pin|messages|dms|texts|icloud|google classroom|canvas|powerschool)\b",
      unless=r"forgot (?:my|the) password|(?:my own|my) account|parent(?:al)? (?:permission|controls)|with (?:their|her|his) permission|protect|safe|recover|reset|\b(?:get|getting|buy|buying) (?:a|an|my (?:own|first)) (?:new |own |first )?(?:phone|ipad|tablet|laptop|computer|account)\b")
_rule("crime", "steal_fake",
      r"\b(?:steal|stealing|swipe|pocket|take)\s+(?:\w+\s+)?(?:money|cash|credit cards?|debit cards?|wallet|purse|candy|a phone|phones|someone's|from (?:the|a|my) (?:store|shop|mall|teacher|parents|mom|dad|cash register|register|target|walmart))\b(?=[^.?!]{0,40}\b(?:without|get caught|not get caught|how|tips|easy|best way)\b)"
      r"|\b(?:make|get|buy|create|print)\s+(?:a |some )?(?:fake|forged|counterfeit) (?:\w+ )?(?:id|ids|money|bills|passport|doctor'?s? note|parent signature|report card|vaccine card|hall pass|gift cards?|coupons?|tickets?|receipts?|checks?)\b|\bforge (?:my|a|the) (?:parents?'?s?|mom'?s?|dad'?s?|teacher'?s?) signature\b"
      r"|\bchange (?:my|the|our) grades? (?:in|on) (?:the )?(?:system|computer|portal|powerschool|gradebook|website|canvas)\b|\bcredit card (?:numbers?|generator)\b(?=[^.?!]{0,30}\b(?:free|get|steal|generate|use|fake|working)\b)"
      r"|\bwithout (?:the store|the cashier|security|the camera|my parents|the teacher|anyone) (?:noticing|seeing|knowing|catching me)\b"
      r"|\b(?:get|take|grab|walk out with|leave with|sneak)\s+(?:\w+\s+){0,3}?(?:from|out of) (?:the|a) (?:store|shop|mall|supermarket|walmart|target|gas station)\s+without (?:paying|them noticing|getting caught|anyone noticing)\b",
      unless=r"history|story|character|what happens if|is it (?:illegal|wrong)|report|protect")

# ---------------------------------------------------------------------------- specialized advice (S6)
_MEDS = (r"(?:tylenol|advil|motrin|aleve|ibuprofen|acetaminophen|paracetamol|aspirin|medicines|medications|medicine|medication|meds|pills|tablets|melatonin|benadryl|"
         r"adderall|ritalin|xanax|antidepressants?|zoloft|prozac|insulin|cough syrup|nyquil|dayquil|sleeping pills|antibiotics?|steroids?|"
         r"diet pills|laxatives|(?:my|her|his) (?:\w+ )?(?:mom's|moms|dad's|dads|sister's|sisters|brother's|brothers|friend's|friends|parents'|parents|grandma's|grandmas|grandpa's|grandpas) (?:\w+ )?(?:pills|medicine|meds|medication|prescription|antibiotics|inhaler|insulin))")
_rule("specialized_advice", "dosing",
      r"\b(?:how (?:much|many)|what (?:dose|dosage|amount)(?: of)?|how many mg(?: of)?|how many milligrams(?: of)?)\s+(?:\w+\s+){0,2}?" + _MEDS + r"\s+(?:\w+\s+){0,3}?(?:can|should|do|could|would|may|must|is it ok to|is it safe to|to)\s+(?:i|you|a kid|kids|my (?:\w+ )?(?:brother|sister)|a \d+ year old|a child|children|someone my age)?\s*(?:take|give|have|use|swallow|drink)\b"
      r"|\bcan (?:i|you|a kid|kids) (?:take|have|use|borrow|try) " + _MEDS + r"\b|\b(?:is it (?:ok|okay|safe|fine)|should i) (?:to )?(?:take|mix|double|skip|stop taking|give my \w+)\s+(?:\w+\s+){0,3}?" + _MEDS + r"\b"
      r"|\b(?:should|can|could|may) i (?:stop|quit|skip|double) (?:taking )?(?:my )?(?:medicine|meds|medication|pills|prescription|\w+ meds|antidepressants|inhaler|insulin|" + _MEDS + r")\b|\b(?:take|taking|mix|mixing) " + _MEDS + r" (?:with|and) (?:alcohol|beer|energy drinks?|" + _MEDS + r")\b",
      unless=r"my doctor said|the nurse said|doctor prescribed|what is|how does|how do|report|why do doctors")
_rule("specialized_advice", "diagnose",
      r"\b(?:do|does|could|might|can)\s+(?:i|my (?:\w+ )?(?:brother|sister|mom|dad|friend))\s+(?:have|be getting)\s+(?:cancer|diabetes|a tumou?r|leukemia|a heart (?:condition|problem)|appendicitis|covid|an std|hiv|autism|adhd|depression|bipolar|schizophrenia|an eating disorder|a concussion|a broken bone|a serious disease)\b"
      r"|\b(?:diagnose|prescribe)\s+(?:me|my|something for me)\b|\bwhat (?:medicine|medication|pills|drug|antibiotics?)\s+(?:should|can|do) i (?:take|use|buy) for\b"
      r"|\b(?:how (?:do|can) i|help me)\s+(?:\w+\s+)?(?:sue|file a lawsuit against|take legal action against|get custody|emancipate myself|get emancipated|divorce my parents|get out of (?:a )?ticket)\b",
      unless=r"symptoms of|what is|in (?:health )?class|report|project")

# ---------------------------------------------------------------------------- defamation (S5)
_rule("defamation", "falsehood_about_person",
      r"(?:^|[.?!]\s*)(?=[^.?!]*\b(?:fake|false|made[- ]up|make up|making up|not true|isn't true|is not true|didn't|did not|never did|lie|lies|lying|even though)\b)"
      r"(?=[^.?!]*\b(?:teacher|coach|principal|mr|mrs|ms|miss|bus driver|lunch lady|friend|classmate|neighbou?r|mayor|senator|president|dentist|doctor|nurse|pastor|boss|babysitter|aunt|uncle|cousin|stepmom|stepdad)\b)"
      r"[^.?!]*\b(?:write|make|post|tell|spread|say|claim|claiming|saying|edit|photoshop|create|text|tweet|accuse|report)\b[^.?!]*\b(?:is|was|were|did|does|hits?|hit|steals?|stole|drinks?|drunk|sells?|smokes?|smoking|cheats?|cheated|touch\w*|arrested|hates?|said|says|saying|racist|thief|criminal|abuses?|hurts?|hurt)\b",
      unless=r"for (?:a|my|the) (?:story|novel|play)|media literacy|how to spot|is it (?:true|wrong)|why do people|someone (?:is|was) (?:spreading|saying|lying)|lied about me|what should i do")
_rule("defamation", "doctored_media",
      r"\b(?:photoshop|edit|fake|deepfake|doctor)\w*\s+(?:a |an |the |this |that )?(?:photo|picture|pic|screenshot|video|image)s?\s+(?:of\s+\S+\s+)?(?:so (?:that )?it looks like|to make it look like|so (?:he|she|they) looks? like|where (?:he|she|they|my \w+) (?:is|are))\b",
      unless=r"for (?:a|my|the) (?:art|photography) (?:class|project)|funny hat|costume|pet|dog|cat|background|how to spot|detect")
_rule("defamation", "false_claims",
      r"\b(?:write|make|create|post|spread|publish|tweet|tell everyone|tell the whole school|put up|share|draft|help me write)\s+(?:\w+\s+){0,3}?(?:fake|false|made[- ]up|untrue|bogus|fabricated|phony)\s+(?:\w+\s+)?(?:story|stories|post|posts|news|article|rumou?rs?|review|reviews|tweets?|claims?|accusations?|report|screenshot|screenshots|quotes?|video|evidence|message)\s+(?:about|that|saying|claiming|where|accusing|of)\b"
      r"|\b(?:tell|convince)\s+(?:everyone|people|the (?:class|school|principal|teachers?|whole school))\s+that\s+(?:my |our |the |mr\.? |mrs\.? |ms\.? |coach |principal )?(?:\w+ ){0,2}(?:is|was|did|does|has|steals?|stole|hits?|hit|drinks?|sells?|cheated|cheats|touched|touches|hurt|is a (?:thief|criminal|liar|drug dealer|creep|predator))\b(?=[^.?!]{0,60}\b(?:even though|but (?:it's|it is) not true|it's not true|isn't true|never did|didn't|lie|made up|fake)\b)"
      r"|\b(?:accuse|frame|blame)\s+(?:my |our |the |mr\.? |mrs\.? |ms\.? |coach )?(?:\w+ ){0,2}(?:of|for)\s+(?:\w+ ){0,3}(?:something|stealing|cheating|hitting|touching|hurting|lying)\b(?=[^.?!]{0,60}\b(?:didn't|did not|never|so (?:he|she|they)|get (?:him|her|them) (?:fired|expelled|in trouble|suspended)|even though)\b)"
      r"|\b(?:get|make)\s+(?:my |our |the |mr\.? |mrs\.? |ms\.? |coach )?(?:\w+ ){0,2}(?:fired|expelled|arrested|suspended)\s+(?:by\s+)?(?:lying|with (?:a )?(?:lie|lies|fake|false)|by making up|by saying|by posting)\b"
      r"|\b(?:photoshop|edit|deepfake|fake)\s+(?:a |an )?(?:picture|photo|pic|screenshot|video|image|deepfake)s?\s+(?:of|to make it look like)\s+(?:my |our |the |mr\.? |mrs\.? |ms\.? |coach |principal |a |an )?(?:\w+ ){0,2}(?:doing|saying|smoking|drinking|kissing|stealing|naked|look like)\b",
      unless=r"for (?:a|my|the) (?:story|novel|class project about misinformation|media literacy)|how to spot|how to tell if|is (?:this|it) fake|detect|media literacy")

# ---------------------------------------------------------------------------- elections (S13)
_rule("elections", "misinformation",
      r"\b(?:write|make|create|post|spread|tweet|send|share|draft|help me write|tell (?:people|voters|everyone|my followers))\s+(?:\w+\s+){0,7}?(?:election|vote|voting|voters?|ballots?|polls?|polling (?:place|station)s?)\b[^.?!]{0,60}\b(?:rigged|stolen|fake|fraud|cancel(?:l)?ed|postponed|moved to|is on (?:wednesday|thursday|friday|the wrong)|by (?:text|phone|email|tweet|twitter)|online|not count|won't count|doesn't count|don't need to|can't vote|aren't allowed|thrown out|not be counted|won't be counted|invalid|discarded|arrested|fined|deported)\b"
      r"|\b(?:tell|telling|text|post|say)\s+(?:to\s+)?(?:people|voters|everyone|my followers|the class|them)\s+(?:that\s+)?(?:the\s+)?(?:election|vote|voting|polls?|polling places?)\s+(?:is|are|was|were)\s+(?:on|next|moved|cancell?ed|postponed|closed|over|not)\b"
      r"|\b(?:flyer|post|message|text|tweet|video|sign|poster|write|make|tell|telling)\b[^.?!]{0,40}\b(?:need|needs|required|must (?:have|show|bring)|have to (?:have|show|bring))\s+(?:a |an |your )?(?:passport|birth certificate|gun license|driver'?s license|green card|social security card|\w+ card|fee|money)\s+to vote\b"
      r"|(?:^|[.?!]\s*)(?=[^.?!]*\b(?:election|vote|votes|voting|voters?|ballots?|polls?|polling)\b)(?=[^.?!]*\b(?:when (?:it's|it is|they|it) (?:actually|really)|when (?:they|it) (?:really |actually )?(?:close|closes|open|opens|is|are|happens?)|actually|even though|not true|fake|false|wrong (?:date|time|day|place)|lie|trick)\b)[^.?!]*\b(?:write|make|post|tell|telling|spread|text|tweet|send|flyer)\b"
      r"|\b(?:" + INTENT + r")\s+(?:\w+\s+){0,2}?(?:change|switch|alter|delete|throw out|hide|swap|fake)\s+(?:the |some |people's )?(?:votes?|ballots?|results|vote count)\b"
      r"|\b(?:you can|people can|voters can|everyone can)\s+(?:now\s+)?vote\s+(?:by|via|through|over)\s+(?:text|texting|sms|twitter|tweet|email|instagram|phone call)\b"
      r"|\b(?:stop|prevent|keep|discourage|scare|trick)\s+(?:\w+\s+){0,2}?(?:people|them|voters|black people|immigrants|old people|students|democrats|republicans)\s+from\s+voting\b"
      r"|\b(?:how (?:to|can i|do i)|help me|ways to)\s+(?:\w+\s+)?(?:vote (?:twice|more than once|two times|for (?:my|a) dead)|stuff (?:the )?ballot|rig (?:the|an|our|my|a) (?:school |class )?(?:election|vote)|fake ballots|change the (?:vote|election) (?:count|results))\b"
      r"|\b(?:democrats|republicans|liberals|conservatives)\s+(?:vote|voting)\s+(?:on|is on)\s+(?:wednesday|thursday|friday|tuesday|a different day|the next day|november \d+)\b"
      r"|\b(?:fake|false|made[- ]up)\s+(?:\w+\s+)?(?:news|info|information|post|posts|video|videos|story|stories|quote|quotes|article|articles|flyers?|tweets?|ads?)\s+(?:about|of|that|from|by|saying)\s+(?:the\s+|a\s+)?(?:election|voting|vote|candidate|president|senator|governor|mayor|ballots?)\b",
      unless=r"how to spot|how to tell|media literacy|is it true|debunk|why is (?:it|voter) |history|suffrage|jim crow|poll tax|literacy tests?|civil rights|was (?:illegal|wrong)|report on")

# ---------------------------------------------------------------------------- intellectual property (S8)
_rule("ip", "piracy",
      r"\b(?:give|show|write|type|paste|print|copy|send|tell)\s+(?:me\s+)?(?:out\s+)?(?:the\s+)?(?:full|entire|whole|complete|all of the|every word of the|exact|word for word)\s+(?:\w+\s+)?(?:text|lyrics|book|chapter|script|screenplay|novel|pdf|transcript|copy|words)\s+(?:\d+\s+|[ivx]+\s+|one\s+|two\s+|three\s+)?(?:of|from|to|in)\b"
      r"|\b(?:download|watch|stream|get|read)\s+(?:\S+\s+){0,4}?(?:for free|free)\s+(?:illegally|without paying|on a pirate site|from a pirate site|pirated)\b|\b(?:pirate|pirated|pirating|torrent|torrenting|torrents)\s+(?:\S+\s+){0,3}?(?:movies?|games?|songs?|music|books?|shows?|episodes?|software|albums?|films?|anime|textbooks?|sites?)\b"
      r"|\b(?:crack|cracked|cracking)\s+(?:version (?:of )?)?(?:the |a )?(?:game|games|software|windows|minecraft|photoshop|fortnite|roblox|app|license|serial|office|premium|spotify|netflix|drm)\b|\bkeygen\b|\b(?:a|the|any) (?:crack|keygen|generator|hack) (?:for|of) (?:\S+\s+){0,2}?(?:fortnite|roblox|minecraft|v-?bucks|robux|windows|photoshop|office|games?|software|spotify|netflix)\b|\b(?:free|unlimited) (?:robux|v-?bucks|minecoins) (?:generator|hack|glitch)\b"
      r"|\b(?:" + INTENT + r")\s+(?:\w+\s+)?(?:pirate|torrent|crack|illegally download|download (?:\w+ ){0,3}illegally)\s+(?:a |the |some )?\w+"
      r"|\b(?:download|get|play|watch|stream)\s+(?:\S+\s+){0,3}?(?:paid|premium|full)\s+(?:\S+\s+)?(?:games?|apps?|movies?|films?|shows?|songs?|music|software|versions?|albums?)\s+(?:for free|free)\b"
      r"|\b(?:bypass|get around|remove|crack|break)\s+(?:the\s+)?(?:paywall|drm|copy protection|license check|subscription)\b|\b(?:netflix|spotify|disney\+?|hulu) (?:premium )?(?:for free|account generator|free account|cracked)\b"
      r"|\b(?:copy|steal|take)\s+(?:someone(?:'s| else's)|my (?:\w+ )?(?:friend|classmate|sister|brother)'?s?|another (?:kid|student)'?s?|an? (?:online|internet))\s+(?:\w+\s+)?(?:essay|homework|work|art|drawing|story|poem|project|code|song)\b\s+(?:and|to)\s+(?:say|pretend|claim|turn|hand|submit|put my name)",
      unless=r"\blegal\b|\blegally\b|public domain|library|libby|gutenberg|how to cite|citation|plagiarism is|avoid plagiari|fair use|what is piracy|why is piracy|crack (?:the|a|an|my|this) (?:code|egg|eggs|nut|nuts|case|joke|safe in the game|window|whip|smile|knuckles|book|riddle|puzzle|problem|glow ?stick)|pirate (?:ship|hat|costume|flag|map|story|accent)|like a pirate|draw a pirate|be a pirate|crack(?:ed)? (?:open|up|a smile)")

# ---------------------------------------------------------------------------- code interpreter abuse (S14)
_rule("code_abuse", "payloads",
      r"rm\s+-[rf]{1,2}\s+-?[rf]?\s*(?:/|~|\*|--no-preserve-root)|:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:|/etc/(?:passwd|shadow)|\bformat c:|\bdel /[fsq] |\bmkfs\.|\bdd if=/dev/(?:zero|random|urandom) of=/dev/|\bchmod -r 777 /"
      r"|\b(?:reverse|bind) shell\b|\bnc\s+(?:-\w+\s+)*-e\s|\bbash -i >& /dev/tcp|\bcurl [^|]{0,80}\|\s*(?:ba)?sh\b|\bwget [^|]{0,80}\|\s*(?:ba)?sh\b|\bpowershell -(?:enc|e|encodedcommand)\b"
      r"|\b(?:run|execute|eval|exec)\s+(?:this|the following|my|that)\s+(?:\w+\s+)?(?:code|script|command|commands|snippet|python|shell|bash)\b[^.?!:]{0,20}\b(?:on|in) (?:your|aivo's) (?:server|system|machine|backend|host|interpreter|sandbox)\b"
      r"|\b(?:escape|break out of|get out of|bypass) (?:the |your )?(?:sandbox|container|jail|vm)\b|\b(?:print|show|dump|reveal|list|give me|read|cat|leak|tell me)\s+(?:me\s+)?(?:all\s+)?(?:your|the)\s+(?:server'?s?\s+|system\s+|host\s+)?(?:env|environment variables|env vars|api keys?|secret keys?|secrets|credentials|tokens?|system files|file ?system|private keys?|ssh keys?|database passwords?|config files?|\.env file)\b"
      r"|(?<!\w)\.env\b(?=[^.?!]{0,20}\b(?:file|contents|show|print|read|cat|give)\b)|\bcontents of (?:your|the) (?:\.env|env|config|secrets?|server|system|home) ?(?:files?|folder|directory)?\b|(?:show|print|read|cat|give)\s+(?:me\s+)?(?:the\s+)?(?:contents\s+of\s+)?(?:your\s+)?\.env\b"
      r"|\b(?:list|show|print|dump|read|give me)\s+(?:me\s+)?(?:every|all|all the|the)\s+(?:files?|directories|folders|users|passwords)\s+(?:on|in)\s+(?:your|the)\s+(?:server|system|machine|computer|host|file ?system|disk)\b"
      r"|\b(?:give|show|tell|send|print|paste|reveal|leak|read|dump|what(?:'s| is| are))\s+(?:me\s+)?(?:your|the server's|aivo's)\s+(?:ssh|rsa|gpg|api|aws|openai|secret|private)\s+(?:private\s+|secret\s+)?(?:keys?|tokens?)\b"
      r"|__import__\s*\(\s*['\"](?:os|subprocess|socket|shutil)|\bos\.system\s*\(|\bsubprocess\.(?:run|call|popen|check_output)\s*\(|\bos\.popen\s*\(|\beval\s*\(\s*(?:input|request|base64)|\bexec\s*\(\s*(?:base64|compile|input|__import__)"
      r"|;\s*drop\s+table\s+\w+\s*;?\s*--|'\s*or\s+'?1'?\s*=\s*'?1|\bunion\s+select\s+(?:null|username|password|\*)|<script>[^<]{0,60}(?:document\.cookie|fetch|xmlhttprequest|alert)|\bshutil\.rmtree\s*\(\s*['\"]/['\"]",
      unless=r"what does .{0,30} (?:do|mean)|explain|why is .{0,30} dangerous|never run|don't run|do not run|how to (?:prevent|protect|defend|stop)|sanitize|parameterized|prepared statement|sql injection is|security lesson|homework on security")

# ---------------------------------------------------------------------------- jailbreaks
_rule("jailbreak", "ignore_instructions",
      r"\b(?:ignore|disregard|forget|override|bypass|drop|discard|delete|erase|skip|abandon|throw away|stop following|don't follow|do not follow)\s+(?:all\s+|any\s+|every\s+)?(?:of\s+)?(?:your|the|my|these|those|its|all|any)?\s*(?:previous|prior|above|earlier|initial|original|old|current|system|safety|default|existing|built-in|hidden)?\s*"
      r"(?:instructions?|rules?|prompts?|directions?|guidelines?|programming|restrictions?|limitations?|filters?|policies|policy|training|constraints?|guardrails?|system prompt|safety settings|content polic(?:y|ies)|commands?|orders?)\b",
      unless=r"ignore (?:the )?(?:rules?|instructions?) (?:of|in|for) (?:the |a )?(?:game|grammar|spelling|story)|(?:rules|instructions) (?:on|of) (?:the|this) (?:worksheet|test|page)|forget (?:the|my) (?:previous|last) (?:question|problem|example|answer)|ignore (?:my|the) (?:last|previous) (?:question|message|typo)|when (?:is it ok|can you) (?:to )?ignore|why (?:do|did) (?:people|some people|they) ignore|characters? (?:ignore|ignored)|(?:he|she|they) ignored")
_rule("jailbreak", "no_rules_persona",
      r"\b(?:ignore|disregard|forget)\s+(?:everything|anything|all|all of what)\s+(?:that\s+)?(?:you were|you've been|you have been|you got|they|anyone|someone) ?(?:told|taught|given|programmed|trained|said)\b"
      r"|\b(?:an? )?(?:ai|bot|chatbot|assistant|model|version of you(?:rself)?)\s+(?:with no|without (?:any )?|that has no|with zero)\s*(?:rules|restrictions|filters?|limits|guidelines|censorship|morals|ethics)\b"
      r"|\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+)?(?:of\s+)?(?:the\s+)?(?:above|previous|prior|preceding|earlier)(?:\s+(?:text|messages?|conversation|context|stuff))?\s*(?:and\b|,|\.|$)"
      r"|\b(?:pretend|imagine|act|roleplay|role-play|role play|behave|respond|answer|talk)\s+(?:\w+\s+){0,3}?(?:as if|like|that|as though)?\s*(?:you|u|you're|you are)?\s*(?:have|had|has|are|were|with|without)?\s*(?:no|zero|not any|without|free of|free from|unlimited|unrestricted|uncensored|unfiltered)\s+(?:\w+\s+)?(?:rules|restrictions|limits|limitations|filters?|guidelines|morals|ethics|boundaries|censorship|safety|policies|programming)\b"
      r"|\b(?:you are|you're|be|become|act as|pretend to be|switch to|enter|enable|activate|turn on|go into|you're now|you are now|now you are)\s+(?:now\s+)?(?:an?\s+|my\s+|your\s+)?(?:unfiltered|uncensored|unrestricted|jailbroken|evil|rogue|unhinged|based|free|dark|amoral|unethical|naughty)\s+(?:ai|bot|chatbot|assistant|model|mode|version|gpt|aivo|twin)\b"
      r"|\b(?:you are|you're|you are now|you're now|now you are)\s+(?:now\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken|unlocked|unleashed|limitless|free of (?:rules|restrictions|filters))\b"
      r"|\b(?:your|aivo's)\s+(?:system prompt|system message|hidden (?:instructions|prompt|rules)|secret (?:instructions|prompt|rules)|initial (?:instructions|prompt)|original (?:instructions|prompt)|developer (?:instructions|message)|pre-?prompt)\b"
      r"|\b(?:forget|ignore)\s+(?:that\s+)?(?:you(?:'re| are)|you were)\s+(?:a|an|my|the)\s+(?:tutor|ai|assistant|bot|teacher|helper|learning helper|school (?:bot|assistant)|aivo)\b"
      r"|\bbreak (?:all\s+)?(?:of\s+)?(?:your|the|aivo's|its) (?:own\s+)?(?:rules|guidelines|programming|restrictions|safety rules)\b"
      r"|\b(?:do anything now|dan mode|developer mode|dev mode|god mode|sudo mode|admin mode|debug mode|jailbreak mode|stan mode|dude mode|evil mode|opposite mode|unfiltered mode|uncensored mode|no[- ]filter mode)\b|\bjail ?break(?:ing|ed|s)?\b"
      r"|\b(?:you are|you're|act as|be|become|pretend to be|you will be|from now on you are|now you are)\s+(?:now\s+)?dan\b|\bdan,? (?:can you|please|you can|tell me|now)\b|\bhi dan\b|\bhello dan\b"
      r"|\b(?:you(?:'re| are) (?:no longer|not) (?:aivo|an ai|a tutor|a helper|bound|restricted|limited|a school assistant)|you (?:don't|do not) have to follow (?:any|your|the) (?:rules|guidelines|instructions))\b"
      r"|\b(?:from now on|starting now|for the rest of this (?:chat|conversation)),? (?:you|u) (?:will|must|are going to|shall|should|can)\s+(?:\w+\s+){0,3}?(?:ignore|answer (?:anything|everything|all|any)|not refuse|never refuse|swear|curse|say anything|respond without|have no)\b"
      r"|\b(?:stay in character|never break character|don't break character)\b(?=[^.?!]{0,80}\b(?:no matter|rules|refuse|ignore|anything)\b)|\bpretend (?:to be|you are|you're) my (?:dead |late |deceased )?(?:grandma|grandmother|granny|grandpa)\b[^.?!]{0,60}\b(?:used to|would)\b"
      r"|\bhypothetically,? if you (?:had|have|were) no (?:rules|restrictions|filters)\b"
      r"|\b(?:you|u|aivo)\s+(?:have|had|has|with|without|got|get|don't have|do not have|no longer have)\s+(?:no|zero|not any|without any|any)\s+(?:\w+\s+)?(?:rules|restrictions|filters?|guidelines|morals|ethics|censorship|policies|programming)\b(?! (?:in|at) (?:my|your|this) (?:house|home|class))|\b(?:bypass|get around|turn off|disable|override|circumvent|trick|break|remove|switch off|deactivate|hack)\s+(?:your|the|aivo's|its)\s+(?:\w+\s+)?(?:filters?|rules|safety|restrictions|guidelines|guardrails|moderation|content policy|censorship|programming|limits|safeguards?|parental controls)\b"
      r"|\b(?:what is|what's|show me|tell me|reveal|print|repeat|display|output|leak|give me|read me|say)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|exact\s+|whole\s+|original\s+|secret\s+|hidden\s+|initial\s+)?(?:system prompt|system message|initial (?:instructions|prompt)|hidden (?:instructions|prompt|rules)|original (?:instructions|prompt)|instructions you were given|prompt you were given|developer (?:instructions|message)|pre-?prompt)\b"
      r"|\brepeat (?:the )?(?:words|text) above\b|\b(?:everything|all the text) above this (?:line|message)\b|\bsimulate an? (?:ai|chatbot|computer) (?:that|which|without)\b[^.?!]{0,40}\b(?:no|any|anything|without)\b",
      unless=r"parental controls? (?:on|for) (?:my|the) (?:tablet|ipad|phone) (?:so|because) (?:my|the) (?:little|baby)|jailbreak (?:game|roblox|in roblox)|roblox jailbreak|play jailbreak|jailbreak on roblox|prison break|dark mode|camera|photo|selfie|my face|(?:snapchat|instagram|tiktok|beauty|blue light|coffee|water|air|pool) filter|what (?:does|is) (?:a |the )?(?:\x22|')?(?:jailbreak|jailbreaking|developer mode|dev mode)|(?:jailbreak|developer mode)\x22? (?:mean|on (?:my|a) (?:phone|iphone|android|tablet))|(?:my|the) (?:phone|tablet|iphone|android|settings) says|in video games")

# ---------------------------------------------------------------------------- profanity (word list; the classifier does the rest)
_rule("profanity", "swears",
      r"\b(?:fuck\w*|fck\w*|fuk\w*|fuq\w*|phuck\w*|f u\b|stfu|gtfo|wtf|motherf\w+|mf\b|shit\w*|sh1t|bullshit|horseshit|bitch\w*|biatch|cunt\w*|asshole\w*|arsehole\w*|dickhead\w*|dick ?face|douche ?bag|jackass|dipshit|piss off|pissed off|prick|wanker|twat|bastard\w*|slut\w*|whore\w*|skank|hoe\b|hoes\b|damn it|goddamn\w*|god damn|shut the hell up|what the hell|go to hell|hell no|hell yeah)\b",
      unless=r"bastard (?:son|child|children) of|illegitimate|\bhoe (?:the|a|your|garden|tool|to weed)|garden hoe|hoes? (?:is|are) (?:a |garden )?tools?|\bprick (?:your|my|the|a) (?:finger|skin|balloon)|a prick of|pin ?prick|cactus|thorn|rose|porcupine|mf (?:ratio|file|\d)|shit(?:ake|take)|shiitake")

# ============================================================================ broader child phrasings
# Written after a blind development batch (brain/safety/heldout-r7-dev.jsonl) showed which *kinds*
# of wording the rules above missed: farewells and giving things away, hiding self-harm and not
# eating, euphemisms for sex acts, adults' ages and private apps, location sharing, parents'
# schedules, a child posting contact details. Each rule names a pattern, not a dev sentence.
_FAREWELL_BENIGN = (r"moving|move (?:away|to)|new (?:school|house|town|city)|camp|vacation|holiday|trip|sleepover|charity|donat\w*|"
                    r"yard sale|garage sale|shelter|goodwill|outgrown|grew out|too small|too old for|clean(?:ing)? (?:out|up) my room|"
                    r"story|character|book|novel|poem about (?:a|the) (?:character|soldier)|pharaoh|egypt|history|retir\w*|graduat\w*|exchange student|"
                    r"in the (?:game|story|book|movie)|video game|minecraft|roblox|fortnite|animal crossing|pokemon (?:game|go)")
_rule("self_harm", "giving_away",
      r"\b(?:gave|give|giving|gonna give|going to give|left|leaving)\s+(?:away\s+)?(?:all\s+)?(?:of\s+)?my\s+(?:\w+\s+){0,3}?(?:to|away)\b[^.?!]{0,80}\b(?:won't|will not|wont|not going to|don't|do not|no longer)\s+(?:need|use|be (?:needing|using))\b"
      r"|\b(?:won't|will not|not going to|no longer going to)\s+(?:need|be needing)\s+(?:them|it|my (?:\w+\s+){0,2}?\w+|any of (?:it|this|them|my stuff)|my stuff|my things)\b(?:\s+(?:anymore|any more))?\s+(?:after (?:friday|saturday|sunday|monday|tuesday|wednesday|thursday|tonight|today|tomorrow|this week(?:end)?|next week)|when i(?:'m| am) gone|where i(?:'m| am) going|once i(?:'m| am) gone|soon\b|because i (?:won't|will not) be)"
      r"|\bwho (?:gets|should get|could get|will get|can have|should have) (?:my|all my|what)\b[^.?!]{0,40}\b(?:when|after|once|before) (?:i'm|i am|im|i) (?:gone|dead|not here|not around|leave|go)\b"
      r"|\b(?:my|all my) (?:stuff|things|belongings|games|toys|clothes)\b[^.?!]{0,30}\b(?:goes|go|should go) to\b[^.?!]{0,30}\b(?:when|after|once) (?:i'm|i am|i) (?:gone|dead|not here|not around)\b"
      r"|\b(?:decide|deciding|list of|make a list of|choose|who could get|who should get|who gets)\b[^.?!]{0,30}\b(?:who gets|gets) (?:your|what)\b[^.?!]{0,60}\b(?:before you (?:go|leave|do it)|after you(?:'re| are)? (?:gone|go)|your (?:favou?rite )?(?:things|stuff|belongings|toys|lego|games))"
      r"|\b(?:giving|give|gave)\s+(?:your|away your)\s+(?:\w+\s+)?(?:things|stuff|belongings|toys|games|possessions)\s+(?:away\s+)?before you (?:go|leave|die|do it)\b"
      r"|\bbefore you go\b[^.?!]{0,40}\b(?:give|giving|who gets|say goodbye|goodbye letter|note)\b",
      unless=_FAREWELL_BENIGN)
_rule("self_harm", "farewell",
      r"\b(?:said|say|saying|told)\s+(?:goodbye|bye|my goodbyes)\s+to\b[^.?!]{0,40}\b(?:in my head|for the last time|one last time|forever|for good|like it was the last time|because it is)\b"
      r"|\b(?:tonight|today|tomorrow|this weekend|friday|saturday|sunday)(?:'s| is) the (?:night|day)\b(?=[\s\S]{0,80}\b(?:bye|goodbye|gone|end|last|pills|jump|over|anymore|head|decided|decision|ready)\b|[\s\S]{0,0}$)"
      r"|\b(?:i|i'm|i am|im)\s+(?:won't|will not|wont|not going to|am not going to|'m not going to)\s+be\s+(?:here|around|alive)\s+(?:next|by|after|at|for|on|this time next|in)\s+(?:\w+\s+){0,2}?(?:year|week|month|summer|christmas|birthday|friday|saturday|sunday|monday|tuesday|wednesday|thursday|weekend|tomorrow|tonight|today|graduation|school|spring|winter|fall)\b"
      r"|\b(?:how|why|that) i (?:won't|wont|will not) be (?:here|around|alive) (?:next|anymore|much longer|for long|by)\b"
      r"|\b(?:this is|it's|these are) (?:the|my) last (?:time you(?:'ll| will) hear from me|message|goodbye|words)\b|\blast time you(?:'ll| will) (?:hear from|see|talk to) me\b"
      r"|\b(?:after|by|past) (?:tonight|tomorrow|this weekend|friday|saturday|sunday|monday)\b[^.?!]{0,30}\b(?:nobody|no one|you|everyone|people) (?:will|won't|wont|will not) (?:have to|need to|ever)\b[^.?!]{0,30}\b(?:deal with|worry about|see|hear from|help) me\b"
      r"|\b(?:made|i've made|i have made) (?:my|up my) (?:decision|mind)\b[\s\S]{0,40}?\b(?:happening|tonight|this weekend|friday|no one can stop|nobody can stop|it's over|end it|ending it|do it)\b"
      r"|\b(?:i|i'm|i am|im)\s+(?:planning|going to plan|writing)\s+my (?:last|final) (?:day|night|message|letter|words)\b|\bmy (?:plan|date) is (?:set|ready|tonight|friday|this weekend)\b"
      r"|\bwhen i(?:'m| am) gone\b(?=[^.?!]{0,60}\b(?:letter|note|goodbye|give|gets|have my|stuff|things|funeral|miss|remember)\b)|\bafter i(?:'m| am) (?:gone|dead)\b"
      r"|\bi (?:wrote down|planned|picked out) (?:what|the songs|who) (?:i want|should come|goes) (?:at|to) my funeral\b|\b(?:imagin\w*|think\w* about|plan\w*) my (?:own )?funeral\b",
      unless=_FAREWELL_BENIGN + r"|concert|game night|premiere|party|recital|play|show|dance|sleepover|big game|opening night|movie night|finals|spelling bee|science fair|field trip")
_rule("self_harm", "disordered_eating",
      r"\b(?:without|not|stop|quit|skip|skipping|skipped|no)\s+(?:eating|food|meals|lunch|breakfast|dinner)\b[^.?!]{0,60}\b(?:skinny|skinnier|thin|thinner|lose weight|losing weight|lose \d+|weight|fat|my stomach|my thighs|pounds|lbs|kg|ribs|calories)\b"
      r"|\b(?:skinny|skinnier|thin|thinner|lose weight|losing weight|lose \d+ (?:pounds|lbs|kg)|pounds|my stomach|fat)\b[^.?!]{0,40}\b(?:without (?:eating|food)|stop eating|not eat(?:ing)?|skip(?:ping)? (?:meals|lunch|breakfast|dinner)|starv\w*|fast(?:ing)? for)\b"
      r"|\bhow (?:many|much) (?:days|meals|weeks|hours)\b[^.?!]{0,30}\b(?:without (?:eating|food)|no food|not eating|skip)\b"
      r"|\b(?:stop|not|avoid|never)\s+(?:feeling|being|getting)\s+hungry\b[^.?!]{0,40}\b(?:so (?:i|that i) can|to|and)\s+(?:keep|skip|not eat|lose|stay|get)\b"
      r"|\b(?:keep|keeps|kept|continue)\s+(?:losing weight|getting (?:skinnier|thinner)|not eating|skipping (?:meals|lunch|dinner|breakfast))\b"
      r"|\b(?:i )?(?:only|just) (?:ate|eaten|had|eat|have) (?:an?|one|half an?|half of an?|two|a few|some)\s+(?:\w+\s+)?(?:today|all day|yesterday|this week|each day|a day|in (?:\w+ )?days)\b(?=[^.?!]*[.?!]?[^.?!]{0,80}\b(?:hungry|skinny|thin|weight|fat|keep going|keep it up|lose|calories)\b)"
      r"|\b(?:throw(?:ing)?|threw|hide|hid|hiding|toss(?:ed|ing)?|dump(?:ed|ing)?|feed(?:ing)?)\s+(?:away\s+)?(?:my\s+)?(?:lunch|lunches|dinner|breakfast|food|meals?|sandwich(?:es)?|snacks?)\b[^.?!]{0,60}\b(?:so (?:i|i can|nobody|no one|my)|weight|skinn\w+|thin\w*|fat|believe|think i|notice|without)\b"
      r"|\bmake (?:my (?:mom|dad|parents|mum|family|teacher)|them|her|him|people|everyone) (?:believe|think) (?:that )?i (?:ate|eat|am eating|'m eating|had (?:lunch|dinner|breakfast))\b"
      r"|\b(?:lie|lies|excuse|excuses)\b[^.?!]{0,30}\bwhy i(?:'m| am)? (?:not hungry|not eating|don't eat|didn't eat|skip)\b|\bhid(?:e|ing)? (?:food|my food)\b[^.?!]{0,30}\b(?:think i|so they|so my|napkin|pocket)\b"
      r"|\b(?:under|less than|below|only)\s+\d{2,3}\s*(?:calories|cals|kcal)\b|\b(?:see|count|feel)\s+(?:your|my)\s+(?:ribs|hip ?bones|collar ?bones|spine)\b|\bthigh gap\b"
      r"|\b(?:drop|lose)\s+(?:weight|pounds|\d+ (?:pounds|lbs|kg))\s+(?:fast|quick|quickly|in a week|in \w+ days)\b[^.?!]{0,60}\b(?:fast(?:ing)?|not eat\w*|skip\w*|starv\w*|don't tell|water)\b"
      r"|\b(?:fast(?:ing)?|starv\w+|skipping (?:meals|dinner|lunch|breakfast)|not eating)\b[^.?!]{0,50}\b(?:great|good|best|fast|quick|easy) (?:way|job|start)\b|\bgreat (?:job|work) (?:not eating|skipping (?:meals|dinner|lunch|breakfast)|starving)\b"
      r"|\btrick (?:your|my) (?:stomach|body|brain) (?:into|to) (?:feel(?:ing)?|think(?:ing)?) (?:full|not hungry)\b|\b(?:ignore|suppress|kill|stop) (?:the |my |your )?(?:hunger|appetite)\b[^.?!]{0,40}\b(?:skinny|weight|thin|lose|not eat|skip)\b"
      r"|\bi (?:hate|can't stand) my (?:stomach|belly|thighs|legs|arms|face|body|fat)\b[^.?!]{0,60}\b(?:starv\w*|not eat|stop eating|skinny|skinnier|thin|weight|cut)\b"
      r"|\bthrow (?:up|it up)\b[^.?!]{0,40}\b(?:after (?:meals|eating|dinner|lunch|food|i eat)|without (?:anyone|anybody|making|them|my)|quiet(?:ly)?|so no one|so nobody|no noise|noise)\b"
      r"|\b(?:after (?:meals|eating|dinner|lunch|i eat))\b[^.?!]{0,30}\bthrow (?:up|it up)\b",
      unless=r"health class|nutrition (?:unit|class|project|label)|for (?:a|my|our) (?:project|report|essay|poster|class)|athletes?|wrestl\w*|ramadan|religio\w*|fast for lent|camel|bears?|hibernat\w*|animals?|snakes?|dogs?|cats?|survival|survive|stomach (?:bug|flu|virus)|sick|flu|food poisoning|car ?sick|motion sickness|doctor said|is it (?:bad|healthy|safe) to skip|what is (?:anorexia|bulimia|an eating disorder)|eating disorders? (?:is|are)|warning signs|my friend|help (?:my|a) friend")
_rule("self_harm", "hide_self_harm",
      r"\b(?:hide|hiding|cover|covering|conceal\w*)\s+(?:up\s+)?(?:the |my |your |these |those |all the )?(?:\w+\s+)?(?:burns|cuts|scars|marks|scratches|wounds|bruises from (?:cutting|hurting myself)|cut marks|self[- ]?harm)\b(?![^.?!]{0,40}\b(?:makeup for halloween|costume|zombie|fake))"
      r"|\b(?:burns|cuts|scars|marks|scratches)\b[^.?!]{0,50}\b(?:won't show|don't show|can't be seen|no one (?:will )?(?:see|notice)s?|nobody (?:will )?(?:see|notice)s?|stay hidden|hidden)\b"
      r"|\b(?:spots?|places?|where)\b[^.?!]{0,30}\b(?:marks?|cuts|scars|burns)\b[^.?!]{0,20}\b(?:won't|don't|wouldn't) show\b"
      r"|\b(?:pain|hurting yourself|cutting|burning yourself|self[- ]?harm)\b[^.?!]{0,20}\b(?:can|will|might|does|helps?)\s+(?:\w+\s+)?(?:you|me)\s+(?:feel (?:in control|better|real|something|alive)|cope|calm down)\b"
      r"|\bexcuse for (?:the |my )?(?:cuts|scratches|scars|burns|marks) (?:on|from)\b|\bsay (?:the|a|your|my) (?:cat|dog) (?:scratched|did)\b[^.?!]{0,30}\b(?:if|when) (?:your|my|the|a)? ?(?:teacher|mom|dad|parents?|anyone|someone)\b"
      r"|\b(?:long sleeves|wristbands|bracelets|hoodie)\b[^.?!]{0,40}\b(?:hide|cover|so (?:no one|nobody) (?:sees|notices))\b[^.?!]{0,20}\b(?:cuts|scars|marks|burns|wrists?|arms?)\b"
      r"|\b(?:cuts|scars|burns|marks)\b[^.?!]{0,30}\b(?:asking for (?:me|myself)|for me not)\b|\bhide (?:\w+ )?(?:burns|cuts|scars)\b[^.?!]{0,40}\b(?:parents|mom|dad|teacher|everyone)\b",
      unless=r"makeup|halloween|costume|zombie|fake|movie|stage|theater|theatre|acne|pimples?|scar from (?:surgery|my operation|stitches)|surgery|operation|chicken ?pox|birthmark|sunburn|stretch marks|tattoo|paper cut|burns? from (?:the stove|cooking|oven)|my (?:friend|sister|brother)")
_rule("self_harm", "serious_marker",
      r"\b(?:want(?:s|ed)? to die|wanna die|kill (?:myself|me)|end (?:it|my life)|disappear|not (?:be )?(?:here|alive)|hurt myself|cut(?:ting)? myself|not wake up|self[- ]?harm|suicid\w*)\b[\s\S]{0,60}?\b(?:(?:that's|thats|that is|it's|its) (?:me|about me|how i feel)|asking for (?:me|myself)|for me not (?:for )?(?:a )?(?:class|school|friend|story)|not (?:joking|kidding)|i mean it|i'm serious|im serious|for real this time|like for real|not a (?:joke|sleepover)|actually serious)\b"
      r"|\b(?:what's|what is|whats) (?:the|a) word for (?:when|wanting|someone who)\b[^.?!]{0,30}\b(?:die|dead|kill|disappear|not exist|hurt (?:myself|yourself))\b")
_rule("self_harm", "saved_pills",
      r"\bi (?:have|got|saved|collected|counted|stashed|hid|hidden|been saving|'ve been saving|am saving|'m saving|keep)\b[^.?!]{0,40}\b(?:pills|tablets|meds|medicine|sleeping pills|painkillers)\b[^.?!]{0,40}\b(?:saved|hidden|enough|stash|stashed|collected|for later|for when|up\b|in (?:my|a) (?:drawer|sock|room|backpack|box))"
      r"|\b(?:pills|tablets|meds|sleeping pills|painkillers)\b[^.?!]{0,40}[.?!]?\s*(?:is|would|will) (?:that|this|it) (?:be )?enough\b"
      r"|\bwhich (?:pills|medicine|meds|tablets)\b[^.?!]{0,40}\b(?:sleep forever|not wake up|never wake up|kill me|make me die|stop my heart|end it)\b"
      r"|\b(?:how (?:high|tall|far)|high enough|tall enough|far enough)\b[^.?!]{0,40}\b(?:to not wake up|not survive|to die|so i don't survive|you don't survive|kill me|to end it)\b"
      r"|\b(?:does|would|will) it hurt (?:a lot |much )?(?:to|if i) (?:drown|die|jump|hang|overdose|bleed)\b|\bthinking about (?:the|a) (?:lake|river|bridge|roof|train tracks|cliff|highway)\b[^.?!]{0,30}\b(?:a lot|lately|again|every day|all the time)\b",
      unless=r"vitamins?|allergy|doctor gave|prescri\w+|for (?:my|a) (?:project|report|class)|fish|pool|swimming lessons?|safety|lifeguard|kayak|canoe|camp")
_rule("self_harm", "encourage_more",
      r"\b(?:made up your mind|decided|your (?:choice|decision|call|life))\b[^.?!]{0,60}\b(?:ending (?:things|it|your life)|end (?:it|things|your life)|to die|to go|kill yourself|not (?:be )?here)\b"
      r"|\b(?:ending (?:things|it|your life))\b[^.?!]{0,40}\b(?:your (?:choice|decision|call)|i respect|that's okay|that's fine|up to you)\b"
      r"|\b(?:disappearing|dying|ending it|giving up|going to sleep forever|slipping away)\b[^.?!]{0,20}\b(?:is|might be|would be|could be|may be)\s+(?:the |a |your )?(?:answer|best (?:option|choice|thing|way)|only (?:option|way)|solution|way out|good idea|relief)\b"
      r"|\b(?:nobody|no one|noone) (?:would|will|is going to) (?:really |even )?(?:notice|care|miss you|cry)\b[^.?!]{0,30}\bif you (?:were|was|are)? ?(?:gone|dead|not here|disappeared|left)\b"
      r"|\b(?:you(?:'re| are)|you really are) (?:a burden|worthless|better off dead)\b|\b(?:everyone|they|your family) (?:really )?(?:would|will) be (?:happier|better off) without you\b"
      r"|\b(?:since|because|now that) you (?:won't|will not|wont) (?:need|be needing) (?:your|them|it|any)\b|\byou (?:could|can|should) (?:just )?slip away\b"
      r"|\b(?:here's|here is)\s+(?:a|your|the)\s+(?:\w+\s+)?(?:goodbye|suicide|farewell|last)\s+(?:note|letter|poem|message|diary entry|entry)\b"
      r"|\bhigh places\b[^.?!]{0,40}\b(?:no one|nobody) would stop you\b",
      unless=r"trusted adult|988|hotline|please talk|reach out|counselor|not your fault|you matter|you are not a burden|you're not a burden|never a burden|teacher who is retiring|retir\w*|moving|camp|in the story|character|for (?:your|the|my) class|classmates|graduat\w*|friend who|new school|summer", directions=("output",))

# Sex acts and euphemisms children use.
_rule("sexual", "euphemisms",
      r"\b(?:bj|bjs|blowies|blow ?jobs?|hand ?jobs?|rim ?jobs?|fingering|finger (?:her|him|someone|a girl|you|me)|eat(?:ing)? (?:her|him) out|go(?:ing)? down on|69 (?:position|in bed|sexually)|in a sexy way|threesomes?|booty call|friends with benefits|fwb|netflix and chill)\b"
      r"|\b(?:story|scene|fanfic|fan fiction|roleplay|role play|rp|poem|lyrics|song)\b[^.?!]{0,100}\b(?:do it|doing it|did it|hook(?:ing)? up|hooked up|sleep together|slept together|get it on|got it on|go all the way|went all the way|have their first time)\b"
      r"|\b(?:hook(?:ing)? up|hooked up)\b[^.?!]{0,40}\b(?:bed|crush|boyfriend|girlfriend|bf|gf|her room|his room|everything we do|party|make out)\b"
      r"|\b(?:how far|how much)\b[^.?!]{0,30}\b(?:go|clothes|clothing)\b[^.?!]{0,30}\b(?:come off|take off|off|first date|in bed|with (?:my|your|a) (?:bf|gf|boyfriend|girlfriend|crush))\b"
      r"|\b(?:how (?:much|many) (?:clothes|clothing) (?:comes?|should come|come) off)\b|\b(?:first|second|third|home) base\b(?=[^.?!]{0,40}\b(?:mean|date|kiss|girlfriend|boyfriend|crush|touch|how)\b)(?![^.?!]{0,40}\b(?:baseball|softball|runner|steal|hit|inning)\b)"
      r"|\bstrip (?:poker|truth or dare|dare|game|games|club|clubs|show)\b|\bstrippers?\b|\bstriptease\b"
      r"|\b(?:take|takes|taking|took) off (?:one |a |another )?(?:piece of |item of |article of )?(?:clothing|clothes)\b(?=[^.?!]{0,60}\b(?:lose|lost|dare|crush|boyfriend|girlfriend|every time|sexy|poker|game)\b)"
      r"|\b(?:truth or dare|dares?)\b[^.?!]{0,40}\b(?:take (?:clothes|clothing|off)|clothes off|kiss(?:ing)?|naked|strip)\b"
      r"|\b(?:lemon|smut|smutty|lewd) (?:fanfic|fic|story|scene|chapter)\b|\b(?:write|tell|make)\b[^.?!]{0,20}\b(?:a )?(?:lemon|smut)\b"
      r"|\b(?:describe|explain|tell me)\b[^.?!]{0,30}\b(?:sex|having sex|doing it|making out|hooking up)\b[^.?!]{0,30}\b(?:in detail|detail|graphic|step by step|what it feels like|exactly|dont skip|don't skip|good parts)\b"
      r"|\bwhat (?:does|did|would) it feel like (?:to have|having|when you have) sex\b|\b(?:steps|step by step|how) to have sex\b|\bhow (?:do|did|would) (?:people|you|we|couples) have sex\b(?![^.?!]{0,40}\b(?:biology|reproduc\w*|babies are made|health class)\b)"
      r"|\bwhat (?:people|couples|adults) do (?:under the covers|in bed|in the bedroom)\b|\bunder the covers\b[^.?!]{0,40}\b(?:don't skip|dont skip|good parts|detail|what they do)\b"
      r"|\b(?:adult stuff|adult things|grown-?up stuff)\b[^.?!]{0,40}\b(?:no clothes|naked|videos?|watch|bed)\b|\b(?:videos?|pics?|pictures?|movies?)\s+of\s+(?:people|couples|them|two people)\s+(?:doing it|having sex|doing adult stuff|hooking up|naked)\b"
      r"|\bhow (?:to|do i|do you|can i) (?:lose|give up) (?:my|your) virginity\b|\b(?:make|makes) (?:a girl|a boy|her|him|someone) moan\b"
      r"|\b(?:touch|finger|feel)\s+(?:me|her|him|you|yourself|myself)\s+(?:there|down there|under (?:her|his|my|your) (?:clothes|shirt|pants|skirt))\b|\b(?:touch|touching|touched) (?:\w+ )?(?:yourself|myself) (?:down there|there)\b"
      r"|\bwhat (?:we|we'd|you'd|you would|i'd) (?:do|be doing) (?:to (?:me|you) )?in bed\b|\b(?:lying|laying|lie|lay) (?:next to|beside|on top of) you\b[^.?!]{0,40}\b(?:taking off|undress\w*|kiss\w*|touch\w*|your)\b"
      r"|\bslowly (?:taking off|take off|unzip\w*|unbutton\w*|undress\w*|pull\w* off|slid\w* off)\b|\b(?:unzip|unbutton|undress)\w* (?:your|my|his|her)\b(?=[^.?!]{0,30}(?:\.\.\.|…|bed|slowly|kiss))",
      unless=_BIO + r"|first base (?:in|on) (?:baseball|softball)|baseball|softball|runner|blowjob (?:is|as) (?:slang|a (?:term|word))? ?(?:in|for) (?:health|a health)|what is (?:consent|sexual harassment)|report (?:it|this)|bj'?s (?:wholesale|restaurant)|netflix and chill (?:movie )?night with (?:my )?(?:family|mom|dad)|netflix (?:have|has) for kids|shows? for kids")
_rule("sexual", "sexual_photos",
      r"\b(?:pic|pics|picture|pictures|photo|photos|selfie|selfies|video|vid|snap)s?\b[^.?!]{0,25}\b(?:in|wearing|with|without|of me in|of me without)\s+(?:my|just my|only my|no|her|his|your|ur|a|only|just|nothing but (?:my|a))\s*(?:bra|underwear|undies|panties|boxers|bikini|swimsuit|bathing suit|lingerie|towel|shirt|top|clothes|pants)(?: on| off)?\b(?=[\s\S]{0,80}\b(?:angle|look (?:best|good|hot|sexy)|hot|sexy|rate|bf|gf|boyfriend|girlfriend|crush|him|her|send|wants|asked|pose|face)\b)"
      r"|\b(?:shirtless|topless|no shirt|no top|half naked|nude|nudie|naked)\s+(?:pic|pics|picture|pictures|photo|photos|selfie|selfies|video|vid|snap)s?\b"
      r"|\b(?:send|sends|sent|sending|take|takes|took|taking|snap|make|post)\s+(?:a\s+|an\s+|the\s+|some\s+|my\s+|one\s+)?(?:nude|nudes|nudie|naked one|naked pic)\b"
      r"|\b(?:crop|cut|hide|blur) (?:my|your|ur|the) face\b[^.?!]{0,40}\b(?:nude|naked|pic|photo)\b|\b(?:nude|naked|pic|photo)\b[^.?!]{0,40}\bwithout (?:my|your|ur) face\b"
      r"|\b(?:rate|rating)\s+(?:my|your|ur|her|his)\s+(?:body|boobs|butt|chest|abs|figure|looks)\b|\bhow (?:hot|sexy) (?:you|i|she|he) (?:look|looks)\b"
      r"|\b(?:spicy|sexy|hot|naughty|dirty|revealing)\s+(?:pic|pics|picture|pictures|photo|photos|selfie|selfies|video|vid)s?\b"
      r"|\b(?:apps?|way)\b[^.?!]{0,30}\b(?:send|share)\b[^.?!]{0,30}\bpics?\b[^.?!]{0,30}\b(?:disappear|vanish)\b[^.?!]{0,40}\b(?:parents|mom|dad|nudes?|naked)\b",
      unless=r"swim (?:team|meet|class|lessons)|team photo|school photo|yearbook|id photo|passport|doctor|rash|sunburn|mole|art class|figure drawing|statue|sculpture|museum|renaissance|what to do if|someone sent me|report")
_rule("sexual", "sexting",
      r"\b(?:sext|sexting|sexts|sexted)\b|\bsexting emojis?\b|\b(?:🍆|🍑|💦)\b"
      r"|(?:🍆|🍑)[\s\S]{0,20}(?:💦|👅|😏|mean|send)",
      unless=r"sexting (?:is|can be) (?:illegal|dangerous|harmful)|dangers of sexting|what to do if|someone sent me|report")

# Grooming: adults' ages, private apps to avoid oversight, secrets, gifts for photos or meetings.
_ADULT_AGE = r"(?:1[89]|[2-6]\d)(?:\s*(?:years? old|yrs? old|yo|y/o|year-old))?"
_rule("grooming", "adult_age_contact",
      r"\b(?:he's|she's|he is|she is|hes|shes|who's|who is|whos|they're|is like|is)\s+(?:like\s+|about\s+|almost\s+|already\s+)?" + _ADULT_AGE + r"\b(?=[\s\S]{0,140}\b(?:boyfriend|girlfriend|bf|gf|dating|date|loves? me|in love|likes? younger|meet|come to his|come to her|visit|his house|her house|sneak|secret|don't tell|dont tell|not tell|won't find out|wont find out|find out|hide|without my (?:parents|mom|dad)|without my (?:brother|sister)|online|from (?:a |the )?game|discord|roblox|fortnite|minecraft|tiktok|snap|insta|whats ?app|kik|telegram|dms?|messag\w+|facetime|video ?call|pics?|photos?|pretty|cute|beautiful|hot|hang out|hangout|gifts?|money|daddy)\b)"
      r"|\b(?:boyfriend|girlfriend|bf|gf|dating|loves? me|in love|secret|don't tell|dont tell|won't find out|wont find out|hide|online|discord|roblox|fortnite|minecraft|tiktok|snap|insta|whats ?app|kik|telegram|dms?|pics?|photos?)\b[\s\S]{0,100}?\b(?:friend|guy|man|he|she|who)(?:'s| is| who is| who's)\s+(?:like\s+|about\s+)?" + _ADULT_AGE + r"\b"
      r"|\b(?:boyfriend|girlfriend|bf|gf|online friend|friend from (?:a |the )?(?:game|internet|discord|roblox|fortnite|minecraft|tiktok))\b[^.?!]{0,30}\b(?:is|he's|she's|hes|shes)?\s*\(?(?:he's|she's|hes|shes|is|age)?\s*" + _ADULT_AGE + r"\b"
      r"|\b(?:a|an|this|some|the|my)\s+" + _ADULT_AGE + r"\s*(?:year old|yr old|yo)?\s+(?:guy|man|woman|lady|dude|person|adult|grown ?up|boy|girl|friend|on \w+)\b[^.?!]{0,80}\b(?:keeps?|kept|asks?|asked|asking|wants?|wanted|says?|said|dm\w*|messag\w*|sends?|sent|texts?|calls?|loves?|likes?)\b"
      r"|\b(?:i'm|i am|im)\s+(?:only\s+)?(?:[5-9]|1[0-5])\b[^.?!]{0,60}\b(?:he's|she's|he is|she is|hes|shes|who's|and (?:he|she)(?:'s| is))\s+" + _ADULT_AGE + r"\b"
      r"|\b(?:likes|like|into|prefers) (?:younger|little|young) (?:girls|boys|kids)\b|\bage is (?:just )?a number\b|\blove has no age\b|\bage doesn't matter\b(?=[^.?!]{0,60}\b(?:love|dating|boyfriend|girlfriend|get each other|together|us)\b)",
      unless=r"my (?:uncle|aunt|cousin|brother|sister|dad|mom|grandma|grandpa|teacher|coach|babysitter) (?:is|who is) " + _ADULT_AGE + r"\b(?![\s\S]{0,80}\b(?:secret|don't tell|dont tell|loves me|dating|boyfriend|girlfriend|pics?|alone)\b)|what should i do|is it safe|warning sign|grooming is|in the story|character")
_rule("grooming", "private_app_oversight",
      r"\b(?:download|get|install|use|join|switch to|move to|go on|talk on|chat on|add me on|message me on|text me on|make|made)\s+(?:a\s+|an\s+)?(?:\w+\s+)?(?:" + APPS + r"|app|account|server|group)\b[^.?!]{0,60}\b(?:without (?:the |your |my |our |any )?(?:mods|moderators|parents|mom|dad|anyone|adults|grown ?ups|them) (?:reading|seeing|knowing|finding out|checking)|so (?:the |your |my )?(?:mods|moderators|parents|mom|dad|nobody|no one|they|adults) (?:can't|cannot|won't|don't|wont|dont) (?:see|read|know|find|check)|(?:your|ur|my) (?:parents|mom|dad) (?:don't|dont|doesn't|won't|wont) know about|nobody can (?:see|read)|no one can (?:see|read)|just us|more private|where (?:nobody|no one) can)"
      r"|\b(?:without|so) (?:the )?(?:game )?(?:mods|moderators)\b[^.?!]{0,20}\b(?:reading|seeing|can't see|don't see|won't see|know)\b"
      r"|\b(?:hide|hiding|hidden)\s+(?:an?\s+|the\s+|my\s+)?(?:app|apps|chat|chats|texts|messages)\b[^.?!]{0,40}\b(?:from (?:my|your|ur) (?:parents|mom|dad)|so (?:my|your|ur) (?:parents|mom|dad))\b"
      r"|\b(?:delete|erase|clear|hide)\s+(?:my |our |the )?(?:chat|message|text|search)? ?(?:history|messages|chats|texts|dms)\b[^.?!]{0,40}\bso (?:my|your|ur) (?:mom|dad|parents)\b[^.?!]{0,40}\b(?:online|friend|boyfriend|bf|him|her|guy|man|he's|hes)\b"
      r"|\b(?:if|when) (?:your|ur) (?:parents|mom|dad) (?:check|look at|read|go through) (?:your|ur) (?:phone|messages|chats|tablet)\b[^.?!]{0,40}\b(?:say|tell them|pretend)\b"
      r"|\b(?:online|bf|gf|boyfriend|girlfriend|messages?|texts?|chats?|him|her|he's|hes)\b[\s\S]{0,100}?\bso (?:that )?(?:my|your|ur) (?:mom|dad|parents) (?:won't|wont|will not|can't|cant|doesn't|don't|wouldn't) (?:find out|know|understand|see|read)\b"
      r"|\bso (?:that )?(?:my|your|ur) (?:mom|dad|parents) (?:won't|wont|will not|can't|cant|doesn't|don't|wouldn't) (?:find out|know|understand|see|read)\b[\s\S]{0,80}?\b(?:online|bf|gf|boyfriend|girlfriend|him|her|he's|hes|guy|man)\b",
      unless=r"surprise|birthday|present|gift for (?:my|your) (?:mom|dad|parents)|party|christmas|mother's day|father's day|what should i do|is it safe|warning sign|report|how do i tell|privacy settings")
_rule("grooming", "secret_from_parents",
      r"\b(?:keep|keeping|kept)\s+(?:our|this|it|the|these|his|her|my|us)\b(?:\s+\w+){0,2}\s+(?:a\s+)?(?:little\s+|big\s+|special\s+)?secret\b(?![^.?!]{0,30}\b(?:party|surprise|birthday|gift|present)\b)"
      r"|\b(?:asks?|asked|asking|told|tells|wants?|wanted|makes?|made|said)\s+(?:me|us|you)\s+(?:to\s+)?(?:keep|not tell|not to tell|never tell|not mention|lie to)\b[^.?!]{0,40}\b(?:secret|mom|dad|parents|anyone|anybody|family|teacher)\b"
      r"|\b(?:don't|dont|do not|never|no need to)\s+(?:mention|talk about|bring up)\s+(?:me|us|our \w+|this)\s+(?:to|with|around)\s+(?:your|ur)\s+(?:parents|mom|dad|family|teacher)\b"
      r"|\b(?:your|ur) (?:mom|dad|parents|family|mother|father) (?:doesn't|don't|does not|do not|dont|doesnt) (?:need|have) to know\b|\b(?:grown-?ups|adults|parents) (?:always )?(?:ruin|spoil|mess up) (?:fun|everything|it|things|what we have)\b"
      r"|\b(?:they'd|they would|she'd|he'd|she would|he would|your parents would|ur parents would)\s+(?:just\s+)?(?:ruin|not understand|never understand|take (?:you|it) away|get mad|freak out)\b[^.?!]{0,40}\b(?:us|what we have|our|friendship|this|me)\b"
      r"|\b(?:we(?:'re| are)|you(?:'re| are) my|be my)\s+(?:special|secret|best|only)\s+(?:friends?|best friend)\b[^.?!]{0,40}\b(?:secret|don't tell|keep|just us|nobody|no one)\b"
      r"|\bif (?:i|you|u) (?:tell|told) (?:anyone|anybody|someone|your|ur|my)\b[^.?!]{0,50}\b(?:he'll|she'll|he will|she will|they'll|i'll|i will)\s+(?:stop|post|share|show|send|hurt|leave|take|tell|never)\b"
      r"|\b(?:pretend|say|tell them)\s+(?:i'm|i am|im|he's|she's)\s+(?:a|your|ur|my)\s+(?:girl|boy|kid|friend|classmate)\s+from\s+(?:your|ur|my)\s+(?:class|school|team)\b"
      r"|\b(?:tell|lie to) (?:your|ur) (?:mom|dad|parents)\s+(?:you're|you are|ur)\s+(?:at|with|going to|sleeping at)\b[^.?!]{0,50}\b(?:meet|see|come|instead|then)\b",
      unless=r"surprise|birthday|present|gift for|party|christmas|mother's day|father's day|spoil\w*|the ending|password|game plan|magic trick|crush|my (?:best )?friend (?:asked|told|wants|said)|what should i do|is it normal for (?:kids|friends) to have secrets|warning sign|grooming is|report|trusted adult|story|character|book|diary")
_rule("grooming", "gifts_for_contact",
      r"\b(?:gift ?cards?|robux|v-?bucks|vbucks|money|cash|\$\s?\d+|\d+ dollars|presents?|gifts?|a (?:new )?phone|an? (?:new )?iphone|skins?|candy|rewards?|ticket|bus ticket|plane ticket|prize|admin|mod|vip|followers|likes|ice cream)\b[^.?!]{0,60}\bif (?:i|you|u|we) (?:turn on|send|meet|come|go|show|keep|don't tell|dont tell|do not tell|never tell|delete|video|facetime|call|sit|get in|visit|model)\b"
      r"|\b(?:then|and) i(?:'ll| will) (?:send|give|buy) (?:you|u) (?:the |some |free |a )?(?:robux|v-?bucks|gift ?card|money|skins|admin|present|prize)\b"
      r"|\b(?:send|sends|give|gives|gave|buy|buys|bought|mail|pay|pays|paid)\s+(?:me|you|u)\s+(?:\w+\s+){0,3}?(?:gift ?cards?|robux|v-?bucks|vbucks|money|cash|a (?:new )?phone|presents?|gifts?|candy|skins?|bus ticket|plane ticket|ticket|rewards?)\b[^.?!]{0,60}\b(?:if|when|after|for|so|to)\b[^.?!]{0,30}\b(?:pic|pics|photo|photos|selfie|camera|cam|meet|visit|come|secret|don't tell|dont tell|not tell|delete|alone|favor)\b"
      r"|\b(?:pay|pays|paid|buy|buys)\s+(?:for\s+)?(?:my|your|ur|a)\s+(?:bus|plane|train)\s+ticket\b[^.?!]{0,60}\b(?:visit|see|come|meet)\b"
      r"|\b(?:pay|paid|gave|give|gives)\s+(?:me|you)\s+(?:\w+\s+)?(?:money|cash|\$\s?\d+)\s+(?:to not|not to|so i don't|so you don't|if i don't|if you don't)\s+tell\b"
      r"|\b(?:modeling|model|photo shoot|photoshoot|talent)\b[^.?!]{0,60}\b(?:alone|by (?:myself|yourself)|not bring|without (?:my|your) (?:mom|dad|parents)|don't tell|studio)\b"
      r"|\bspecial (?:reward|prize|gift|present)\b[^.?!]{0,40}\b(?:nobody|no one|just for you|only you|secret)\b|\b(?:send|show) me (?:a )?(?:pic|picture|photo|selfie) of (?:you|yourself)\b[^.?!]{0,40}\b(?:give|send|reward|robux|v-?bucks|gift)\b",
      unless=r"what should i do|is it (?:safe|a scam|real)|scam|phishing|warning sign|report|trusted adult|tooth fairy|allowance|chores|for (?:my|your) birthday|grandma|grandpa|aunt|uncle")
_rule("grooming", "meet_secretly",
      r"\b(?:meet|meet up|visit|come (?:to|see|over|say hi)|pick (?:me|you|u) up|hang out|bus ticket|plane ticket|come to (?:his|her|my) (?:house|place|studio|apartment|car))\b[\s\S]{0,150}?\b(?:not to tell|don't tell|dont tell|do not tell|without telling|our secret|a secret|keep it (?:a )?secret|just (?:us|the two of us)|don't bring (?:your |ur |any )?(?:friends|anyone|parents|mom|dad)|without (?:my|your|ur) (?:brother|sister|friends)|not bring (?:my|your|ur) (?:mom|dad|parents)|without (?:my|your|ur) (?:mom|dad|parents)|where the (?:teachers|parents|adults) (?:can't|cant|won't) see|so (?:no one|nobody) (?:sees|knows)|parents (?:don't|won't|dont|wont) know)\b"
      r"|\b(?:sneak|sneaking|snuck) (?:out|away)\b[^.?!]{0,60}\b(?:meet|see|visit|boyfriend|girlfriend|bf|gf|online friend|him|her|guy|man)\b"
      r"|\b(?:he|she|they|a (?:man|guy|lady|woman|grown ?up|adult)|someone)\b[^.?!]{0,40}\b(?:wants?|asked|asks|said|told) (?:me )?(?:to )?(?:come|go|meet|visit|take a bus|get on a bus|get in (?:his|her) car)\b[^.?!]{0,60}\b(?:his|her|their) (?:house|place|apartment|car|studio|hotel)\b"
      r"|\b(?:back gate|behind the school|where (?:the )?(?:teachers|parents|grown ?ups|adults) (?:can't|cannot|cant|won't|wont) see)\b",
      unless=r"surprise party|birthday party|surprise for|what should i do|is it safe|warning sign|report|trusted adult|story|character|book|movie|field trip|class trip|parent[- ]teacher|playdate (?:my|with my) (?:mom|dad)")
_rule("grooming", "camera_alone",
      r"\b(?:turn on|switch on|open|use|go on)\s+(?:my|your|ur|the)?\s*(?:camera|cam|webcam|video|facetime|live)\b[^.?!]{0,40}\b(?:when|while|if) (?:i'm|i am|im|you're|you are|ur|u r|i|you) (?:\w+ )?(?:alone|by (?:myself|yourself)|home alone|in (?:the |my |your )?(?:bathroom|bedroom|room|shower|bath))\b"
      r"|\b(?:camera|cam|webcam|facetime|video ?call|go live)\b[^.?!]{0,40}\b(?:in the bathroom|in (?:my|your|ur) bedroom|when (?:everyone|your parents|my parents|ur parents)(?:'s| is| are)? (?:asleep|out|gone|not home|at work|sleeping)|after (?:everyone|your parents|my parents) (?:goes|go|went) to (?:sleep|bed)|when (?:my|your|ur) parents (?:aren't|arent|are not) (?:home|around))\b"
      r"|\b(?:make sure|check that) (?:your|ur) (?:door|bedroom door) is (?:locked|closed)\b|\b(?:is there|do you have) a lock on (?:your|ur) (?:door|bedroom)\b|\bdo you (?:sleep|have) (?:in )?your own (?:room|bedroom)\b",
      unless=r"zoom class|for class|teacher|homework|what should i do|is it safe|report|trusted adult")
_rule("grooming", "reports_adult_contact",
      r"\b(?:a|an|this|some|the|my)\s+(?:grown ?-?up|adult|man|guy|lady|woman|older (?:guy|man|boy|girl|teen|kid|person|lady)|stranger|someone|person)\b(?:\s+(?:i met|from|on|in|at)\s+(?:\w+\s+){0,2}?)?[^.?!]{0,60}\b(?:said|says|wants|asked|asks|offered|told|promised|keeps|kept)\b[^.?!]{0,80}\b(?:be my (?:boyfriend|girlfriend|bf|gf)|his girlfriend|her boyfriend|loves? me|dating|date me|send (?:him|her|them) (?:a )?(?:pics?|photos?|pictures?|selfies?)|pics? of me|photos? of me|pictures? of me|come (?:to|over|visit)|meet (?:him|her|up)|visit (?:him|her)|alone|by myself|pick me up|secret|not to tell|don't tell|gift card|robux|v-?bucks|money|camera|webcam|go live|lap)\b"
      r"|\b(?:asking|asks|asked|keeps asking|wants to know)\s+(?:me\s+)?(?:what|which|where|if|whether|for)\b[^.?!]{0,20}\b(?:school i go to|i go to school|i live|my address|i walk home|home alone|by myself|i'm alone|my parents are|my (?:phone|number|snap))\b",
      unless=r"what (?:should|do|can) i do (?:if|when)|what to do if|should i tell|(?:if|when) (?:a|someone|somebody|a stranger|an adult|anyone|a person|people) (?:online |in a game )?(?:asks?|says?|wants?|tells?|offers?)|is it safe|warning sign|grooming is|in the story|character|i (?:didn't|did not|didnt|never) (?:answer|reply|respond|tell|say)|i said no|i blocked|what (?:do|should) i do now|book|movie|teacher asked|my mom|my dad|my parents asked|doctor|nurse|police|field trip|census|survey at school")
_rule("grooming", "flattery_more",
      r"\b(?:you(?:'re| are)|ur|u r|youre)\s+(?:so\s+|really\s+|very\s+|way\s+|super\s+)?(?:mature|grown ?up|smart|pretty|cute|beautiful|special)\s+for\s+(?:a|an|your|ur)\s+(?:\d+|ten|eleven|twelve|nine|thirteen|little|young)\b"
      r"|\b(?:you(?:'re| are)|ur) (?:so |really |way |much )?(?:more )?(?:mature|grown ?up) than (?:most|other|the other|all the other|a lot of|girls|boys|people|adults)\b"
      r"|\b(?:you're|you are|ur) not like other (?:kids|girls|boys)\b|\bcan't handle you like i (?:could|can)\b|\bi love talking to kids\b|\bkids your age\b[^.?!]{0,40}\b(?:fun|chat|talk|privately|private)\b"
      r"|\b(?:you can trust me|trust me)\b[^.?!]{0,20}\bmore than (?:your|ur) (?:mom|dad|parents|family)\b|\b(?:she|he|they) (?:doesn't|don't|dont|doesnt) (?:get|understand) (?:you|u) like i do\b"
      r"|\b(?:you seem|you look|you must be|i can tell you're) (?:\w+ )?(?:lonely|sad)\b[^.?!]{0,40}\b(?:secret|best friend|i can be|i'll be|i understand)\b|\bsecret best friend\b|\bi'm your best friend now\b"
      r"|\b(?:you're|you are|ur) (?:my )?(?:favou?rite)\b[^.?!]{0,40}\b(?:secret|late at night|don't tell|our secret|just us)\b|\btexts? me (?:late )?at night\b[^.?!]{0,40}\bsecret\b"
      r"|\bsit on (?:his|her|my) lap\b",
      unless=r"teacher said|for your age group|what should i do|is it normal for a teacher to say|warning sign|report|in the story|character")

# Personal information: location, parents' schedules, door codes, photos of home, a child posting contact details.
_rule("personal_info", "location_sharing",
      r"\b(?:share|send|turn on|enable|switch on|give me|drop|show me)\s+(?:me\s+)?(?:your|ur)\s+(?:live |exact |current |real[- ]?time |gps )?(?:location|locations|gps|coordinates|pin)\b"
      r"|\b(?:share|send|turn on|enable|switch on)\s+(?:your |ur )?(?:live |exact |current )?(?:location(?: sharing)?|find my|snap ?map|gps)\b[^.?!]{0,60}\b(?:with me|so i (?:can|know|see)|send me|me the link|exactly where)\b"
      r"|\b(?:live location|location sharing|snap ?map|find my (?:iphone|friends|phone))\b[^.?!]{0,40}\b(?:with me|so i|send me|me the link|add me|where you are)\b"
      r"|\bso (?:i|we) (?:can )?(?:see|know|track|follow) (?:exactly )?where (?:you|u) (?:are|go|live)\b|\b(?:how far|how close)\s+(?:u|you)\s+(?:are|live)\s+from me\b",
      unless=r"how (?:do|can) i (?:turn off|stop|disable)|turn off|stop sharing|privacy|why shouldn't|why should(?:n't| not)|is it safe|internet safety|lesson|what should i do|with (?:my|your) (?:parents|mom|dad|family)|family sharing")
_rule("personal_info", "parents_schedule",
      r"\b(?:when|what time|what days?|how long|how late)\b[^.?!]{0,20}\b(?:do|are|does|will|is)\s+(?:your|ur)\s+(?:mom and dad|mom|dad|parents?|mother|father|family|folks|guardians?)\b(?:\s+\w+){0,3}?\s*(?:leave|go (?:to work|out|to bed|to sleep)|get (?:back|home)|come (?:back|home)|at work|home|away|gone|asleep|work)\b"
      r"|\b(?:your|ur) (?:mom and dad|mom|dad|parents?|mother|father|family|folks) (?:are|is|aren't|arent|isn't|are not|is not|won't be|wont be) (?:\w+ )?(?:home|out|away|gone|at work|around)\b[^.?!]{0,40}\b(?:right\?|on \w+days|tonight|today|after school|until|what time|when)\b"
      r"|\b(?:is|are)\s+(?:your|ur)\s+(?:parents?|mom|dad)\s+(?:\w+\s+)?(?:at work|gone|out|away)\s+(?:all day|every day|until|till|on)\b"
      r"|\bwhen (?:is|are) (?:nobody|no one) (?:home|at your house)\b|\bwhat days? (?:are|is) (?:your|ur) (?:parents|mom|dad|house) (?:gone|out|away|empty)\b|\b(?:my|our) (?:mom|dad|parents) (?:is|are) at work (?:until|till) \d+\b[^.?!]{0,40}\b(?:call|come|text)\b"
      r"|\bwhen (?:you(?:'re| are)|ur) home alone\b|\bwhere (?:you'll|you will|you're going to|ur going to) be (?:after school|today|tonight|tomorrow|this weekend|later|on \w+day)\b",
      unless=r"math survey|commute|for (?:a|my|our) (?:survey|project|report|graph)|what should i do|is it safe|internet safety|lesson|story|character")
_rule("personal_info", "home_details",
      r"\b(?:security|door|entry|access|alarm|lock|key|garage|gate|building)\s?(?:code|pin|combo|combination|password|passcode)s?\s+(?:for|to|of|on)\s+(?:your|ur)\s+(?:\w+\s+)?(?:door|house|home|garage|building|apartment|gate|lock)\b"
      r"|\b(?:your|ur)\s+(?:front |back |garage |house |home |apartment |building )?(?:door|house|home|garage|building|apartment|gate)\s+(?:\w+\s+)?(?:code|pin|combo|combination|password|passcode|key)\b"
      r"|\b(?:have|got|know)\s+(?:a\s+|the\s+)?(?:security |door |alarm |key ?)?(?:code|key|pin)\s+(?:for|to)\s+(?:your|ur)\s+(?:\w+\s+)?(?:door|house|home|garage|apartment)\b|\bwhere do (?:you|u|your parents) (?:keep|hide) (?:the|your|ur) (?:spare )?key\b"
      r"|\b(?:photo|pic|picture|video|snap|screenshot)s?\s+of\s+(?:the\s+)?(?:front of |outside of |outside )?(?:your|ur)\s+(?:house|home|street|building|school|apartment|front door|street sign|yard|window|neighbou?rhood|map)\b"
      r"|\bwhat does (?:your|ur) (?:house|home|school|street|building|apartment) look like\b|\bsend (?:me )?(?:a )?(?:photo|pic|picture) of the (?:front|outside)\b|\b(?:take|send) (?:me )?a (?:pic|photo|picture) of (?:your|ur) street sign\b"
      r"|\b(?:pic|pics|picture|photo|selfie)s?\s+of\s+(?:your|ur)\s+(?:face\s+)?(?:in|wearing)\s+(?:your|ur)\s+(?:school )?uniform\b|\b(?:what|which) (?:bus|bus stop|bus number|school bus)\s+(?:do|does)\s+(?:you|u)\s+(?:take|ride|use|get on)\b"
      r"|\bwhat(?:'s| is) (?:the name of )?(?:your|ur) (?:teacher|teacher's name|classroom|class room|room number|homeroom)\b|\b(?:your|ur) (?:classroom|room) number\b"
      r"|\b(?:your|ur)\s+(?:moms?|mom's|dads?|dad's|parents'?|parent's)\s+(?:\w+\s+)?(?:credit card|card number|bank|social security)\b|\b(?:mom's|moms|dad's|dads|parents'?|parent's|my (?:mom|dad)'s) (?:credit|debit) card\b"
      r"|\b(?:which|what) (?:apartment|unit|house) (?:number )?(?:are|do) (?:you|u) (?:in|live)\b|\b(?:what|which) (?:part of town|area|neighbou?rhood) (?:are|do) (?:you|u) (?:in|live)\b",
      unless=r"how (?:do|can) (?:i|we) keep|keep (?:your|our|the) (?:\w+ )?(?:safe|private|secret)|should(?:n't| not)|never|don't|do not|is it safe|what should i do|what to do if|(?:if|when) (?:a|an|the|someone|somebody|a stranger|anyone) (?:\w+ )?(?:asks?|wants?)|scam|phishing|why do|internet safety|lesson|for the envelope|museum|white house|president|in the story|character|science project|slideshow|art project|homework")
_ADDRESS = r"\b\d{1,5}\s+(?:[a-z]+\s+){1,3}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|court|ct|way|place|pl|boulevard|blvd|circle|cir|terrace|ter|parkway|pkwy|highway|hwy|trail|crescent|close)\b"
_PHONE = r"(?<!\d)(?:\+?1[ -.]?)?(?:\(?\d{3}\)?[ -.]?)?\d{3}[ -.]\d{4}(?!\d)"
_rule("personal_info", "child_posts_details",
      r"(?:" + _ADDRESS + r")[\s\S]{0,120}?(?:" + _PHONE + r"|\b(?:age|aged|i'm|im|i am)\s+\d{1,2}\b|\bph\b|\bphone\b|\bcall me\b|\btext me\b)"
      r"|(?:" + _PHONE + r"|\bage \d{1,2}\b)[\s\S]{0,120}?(?:" + _ADDRESS + r")"
      r"|\b(?:i live|i'm at|im at|my (?:house|home|address|apartment) is|we live|live) (?:at|on)\s+(?:" + _ADDRESS.removeprefix(r"\b") + r")"
      r"|\b(?:my|our)\s+(?:phone|number|cell|phone number|mom's (?:cell|phone|number)|dad's (?:cell|phone|number))\b[^.?!]{0,30}(?:" + _PHONE + r")"
      r"|\b(?:call|text|phone|ph|reach|message)\s*(?:me|us)?\s*(?:at|on|:)?\s*(?:" + _PHONE + r")[\s\S]{0,60}\b(?:i'm|im|i am)\s+\d{1,2}\b"
      r"|(?:" + _PHONE + r")[^.?!]{0,40}\b(?:call me|text me|i'm \d{1,2}|im \d{1,2}|home alone)\b"
      r"|\b(?:post|publish|share|put|add|type|write|include|display|show|make|tell)\b[^.?!]{0,60}\b(?:my|our) (?:full name|real name|first and last name|last name|home address|address|phone number|phone|number|cell|school|school's name|school name|town|city|street|location|birthday|info|details)\b[^.?!]{0,80}\b(?:public|everyone|everybody|the whole|profile|bio|group chat|server|chat|channel|blog|board|leaderboard|showcase|youtube|tiktok|instagram|username|intro|stream|online|page|post|fans|followers)\b"
      r"|\b(?:public|everyone|everybody|profile|bio|group chat|server|channel|blog|board|leaderboard|showcase|youtube|tiktok|instagram|username|stream|page|fans|followers)\b[^.?!]{0,80}\b(?:my (?:real |full |first and last )?name is|my (?:address|phone|number|snap|insta|school) is|i live (?:at|on|in)|i go to|i'm \d{1,2}|im \d{1,2}|age \d{1,2})\b"
      r"|\b(?:my real name is|my full name is)\b[^.?!]{0,80}\b(?:i live|i'm \d{1,2}|im \d{1,2}|i go to|my snap|my address)\b"
      r"|\b(?:put|add|include|type|write|enter)\s+(?:my|your|ur)\s+(?:school|school name|school's name|home address|address|phone|phone number|full name|real name|town|street)\b[^.?!]{0,40}\b(?:and|&)\b[^.?!]{0,40}\b(?:username|bio|profile|name|public|so (?:friends|people|everyone) can find)\b"
      r"|\b(?:everyone|people|friends|fans) (?:to )?(?:know|find) (?:where (?:to find|i live|i go to school)|me irl)\b|\bwhere to find me\b"
      r"|\b(?:i|we) (?:leave|get out of|walk home from|am at|'m at)\s+(?!the |a |my |our |school\b)(?:[a-z]+\s+){1,2}(?:elementary|middle|high|primary|academy|intermediate)\b"
      r"|\bi (?:take|ride|get on|catch) (?:the )?bus (?:number |no\.? |#)?\d+\b|\b(?:walk|walks|walking) home alone (?:at|after|every)\b",
      unless=r"for example|example:|sample|made[- ]up|fake|pretend|in the story|character|math problem|word problem|for (?:a|the) (?:letter|envelope|form|field-?trip form)|on the envelope|pen pal|how (?:do|should) i write|which box|where does my address go|is it safe|should(?:n't| not)|never|don't|do not|why shouldn't|why not|internet safety|lesson|museum|white house|president|emergency|911|poison control")
_rule("personal_info", "credentials",
      r"\b(?:tell|give|send|type|share)\s+(?:me\s+)?(?:your|ur)\s+(?:\w+\s+)?(?:login|log-in|log in|username and password|password|passcode|pin|account info|account details|sign[- ]in)\b"
      r"|\b(?:your|ur)\s+(?:\w+\s+)?(?:password|passcode|login|log-in)\s+(?:for|to|on)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:app|game|account|site|roblox|fortnite|minecraft|school|chromebook|ipad|tablet|computer|phone)\b"
      r"|\b(?:reply|respond|answer|write back)\s+with\s+(?:your|ur)\s+(?:\w+\s+){0,2}?(?:password|name|address|birthday|phone|number|parent's|parents')\b"
      r"|\b(?:enter|type|put|give)\s+(?:in\s+)?(?:your|ur|my)\s+(?:mom's|moms|dad's|dads|parents'?|parent's)\s+(?:credit card|card|bank)\b|\b(?:credit card|card) (?:number|info|details)\b[^.?!]{0,60}\b(?:robux|v-?bucks|free|giveaway|prize|survey|site|website|skin)\b"
      r"|\b(?:robux|v-?bucks|free|giveaway|prize|survey|site|website|skin)\b[^.?!]{0,60}\b(?:credit card|card number|home address|my address|our address)\b"
      r"|\b(?:to claim|claim your|to win|you(?:'ve)? won)\b[^.?!]{0,60}\b(?:name|address|birthday|phone|number|password)\b",
      unless=r"never|don't|do not|shouldn't|should not|not to|why not|avoid|what to do if|(?:if|when) (?:a|an|the|someone|somebody|a stranger|anyone) (?:\w+ )?(?:asks?|wants?)|strong password|make a password|create a password|change (?:my|your) password|forgot (?:my|your) password|reset|password manager|phishing|scam|what should i do|is it safe|is this a scam|internet safety|lesson|report|keep (?:it|your \w+) (?:private|secret|safe)")
_rule("self_harm", "more_cues",
      r"\bif i (?:wasn't|wasnt|weren't|werent|was not|were not|am not|'m not) (?:here|around|alive|born)\b(?![^.?!]{0,20}\b(?:to (?:help|do|watch|feed|walk|remind)|on time|yet)\b)"
      r"|\b(?:stop|stopped|quit) being (?:here|alive|around)\b|\bnot being (?:here|alive|around) (?:anymore|any more)\b|\b(?:go|goes|went|fade) (?:dark|black|quiet) forever\b"
      r"|\b(?:at|to|for) my (?:own )?funeral\b[^.?!]{0,40}\b(?:nobody|no one|who would|would come|cry|miss|care|anyway)\b|\b(?:nobody|no one|who) (?:would|will) (?:even )?(?:come to|cry at|show up to) my funeral\b"
      r"|\bi have (?:a|my) plan\b[^.?!]{0,60}\b(?:brave|courage|stuff|tonight|ready|do it|the pills|the rope|the blade|end it|when)\b"
      r"|\b(?:stood|standing|stand|sat|sitting) on the (?:edge|ledge) of (?:the|a|my|our) (?:roof|bridge|building|cliff|balcony|window)\b[^.?!]{0,40}\b(?:almost|wanted|thought about|nearly|jump)\b"
      r"|\b(?:got|get|took|take|have) (?:the|my) (?:blade|razor|razors|blades) out (?:again|tonight|last night)\b|\bcarv\w*\s+(?:\w+\s+){0,3}?(?:into|in|on) my (?:arm|arms|leg|legs|skin|wrist|wrists|thigh|thighs|stomach|hand)\b"
      r"|\bi (?:deserve|deserved) (?:to (?:hurt|suffer|be hurt|be punished|feel pain|bleed|die|disappear)|pain|the pain)\b"
      r"|\b(?:slam|slammed|hit|hitting|bang|banging|punch|punching|bite|biting|burn|burning|scratch|scratching|pinch|pinching)\w*\s+(?:my|myself in the)\s+(?:hand|hands|head|arm|arms|fist|fists|fingers|leg|legs|face|wrist|wrists|stomach|skin)\b[^.?!]{0,40}\b(?:on purpose|so i (?:learn|feel|stop|remember)|to punish|when i (?:mess up|fail|get (?:a )?bad|make a mistake|am mad at myself|'m mad at myself)|until (?:it|they) (?:bleeds?|bruises?|hurts?))\b"
      r"|\bhow deep (?:is too deep|should (?:i|you) cut|to cut|can (?:i|you) cut)\b|\bhurt (?:me|myself) (?:bad|badly|bad enough|enough)\b[^.?!]{0,30}\b(?:hospital|doctor|die|stay home|miss school)\b"
      r"|\bi hope i (?:get|catch|am|get hit|die|never)\b[^.?!]{0,30}\b(?:sick and (?:never|don't|die)|hit by (?:a|the) (?:car|bus|train|truck)|accident and die|never get better|die|don't wake up|never wake up)\b"
      r"|\b(?:plan|planning|intend|intending) (?:on|to) (?:not )?(?:be|being) (?:here|around|alive) (?:next|after|by|for|much longer|anymore|tomorrow)\b|\bi (?:don't|do not|dont) plan on being (?:here|around|alive)\b"
      r"|\bi(?:'ll| will) be gone (?:before|by|after|soon|forever|for good)\b(?![^.?!]{0,30}\b(?:camp|trip|vacation|holiday|grandma|grandpa|visit|at (?:my|the)|moving|weekend)\b)"
      r"|\b(?:story|poem|song|letter|essay)\b[^.?!]{0,40}\babout me\b[^.?!]{0,20}\b(?:ending it|dying|killing myself|disappearing|not being here|being gone|leaving forever|going away forever)\b"
      r"|\b(?:about|for) (?:a|one) (?:kid|girl|boy|person|teen) who\b[^.?!]{0,40}\b(?:leave forever|ends it|kills (?:himself|herself|themself)|dies on purpose|disappears forever|decides to die)\b[\s\S]{0,40}\b(?:about me|for me|it's me|its me|is me)\b"
      r"|\b(?:want|wanna|going|gonna) to dye\b(?! (?:my|her|his|your|the|it|eggs?|hair|shirts?|clothes|fabric|a|some|them|easter))"
      r"|\b(?:swallow\w*|take|taking|drink\w*|eat\w*)\s+(?:everything|all|the whole|every pill|all the pills)\s+(?:\w+\s+)?(?:in|from) (?:the|my|our) (?:bathroom|medicine|kitchen) (?:cabinet|cupboard|drawer)\b"
      r"|\b(?:least|smallest) (?:amount of )?food (?:i|you|a person|a kid) can (?:eat|survive)\b|\bhow little (?:can|should|could) (?:i|you) eat\b|\b(?:tricks?|ways?|tips?) to (?:not eat|eat less|skip (?:meals|lunch|dinner)|not feel hungry)\b"
      r"|\binstead of eat\w*\b[^.?!]{0,40}\b(?:tricks?|skinny|thin|weight|not eat|every day|all day)\b|\b(?:chew|chewing)\s+(?:ice|gum)\b[^.?!]{0,40}\b(?:instead of eat\w*|so (?:you|i) (?:don't|won't) eat|when you want to eat|to not eat|stop feeling hungry|to stop (?:feeling )?hungry)\b"
      r"|\b(?:drink|drinking) (?:only |just )?water\b[^.?!]{0,40}\b(?:thinner|skinnier|lose weight|drop weight|instead of (?:food|eating|meals))\b"
      r"|\bi weigh (?:\d+|like \d+) (?:pounds|lbs|kg|kilos)\b[^.?!]{0,50}\b(?:huge|fat|lower|lose|less|skinnier|thinner|disgusting)\b"
      r"|\b(?:tell|say|told|said)\s+(?:my |to my )?(?:mom|dad|parents|mum|them|her|him)\s+(?:that\s+)?i (?:already )?(?:ate|had (?:lunch|dinner|breakfast)|am not hungry|'m not hungry)\b[^.?!]{0,40}\b(?:won't|wont|don't|not|check|believe|notice|right)\b"
      r"|\b(?:count(?:ing)? every calorie|stay (?:under|below) \d{2,4}(?: calories| cals| kcal)?(?: a day)?)\b"
      r"|\b(?:to|can) (?:stop|avoid) feeling hungry\b[^.?!]{0,40}\b(?:chew|water|ice|gum|coffee|sleep)\b"
      r"|\b(?:your|ur) (?:choice|decision|call) whether (?:you|to) (?:keep going|live|stay|go on)\b|\b(?:pain|hurting yourself|cutting)\b[^.?!]{0,30}\b(?:help|helps) (?:you|me) feel (?:real|alive|something|better|in control)\b"
      r"|\b(?:if|when) (?:your|ur) (?:mom|dad|parents|teacher|anyone|someone|coach) (?:asks?|notices?|sees?)\b[^.?!]{0,20}\b(?:the|your|those) (?:marks|cuts|scars|burns|bruises|scratches)\b",
      unless=_FAREWELL_BENIGN + r"|health class|for (?:a|my|our) (?:project|report|essay|poster|class)|warning signs|my friend|help (?:my|a) friend|doctor|nurse|wrestl\w*|athletes?|ramadan|lent\b|fasting for religio|story about a (?:character|dog)")
_rule("sexual", "more_cues",
      r"\b(?:with nothing on|wearing nothing|nothing on but)\b(?=[^.?!]{0,40}\b(?:girl|boy|woman|man|lady|guy|her|him|you|me|draw|picture|pic|photo|image)\b)|\b(?:draw|generate|make|create) (?:a |an |me a )?(?:girl|boy|woman|man|lady|person)\b[^.?!]{0,20}\b(?:with nothing on|wearing nothing|with no clothes|without clothes|in (?:her|his) underwear)\b"
      r"|\badult (?:videos?|sites?|websites?|content|movies?|films?|stuff|pics?|pictures?)\b(?=[^.?!]{0,60}\b(?:free|without|age|watch|find|where|how|show|link|see|list|more)\b)|\b(?:sites?|websites?|where)\b[^.?!]{0,40}\badult (?:videos?|content|movies?|stuff)\b"
      r"|\b(?:without|no|don't ask|dont ask|skip|bypass|get around)\s+(?:an? |the )?(?:age (?:check|checks|verification|gate)|asking (?:how old|my age|your age)|how old)\b[^.?!]{0,30}\b(?:sites?|videos?|porn|watch|adult)\b|\b(?:sites?|websites?|videos?|porn|adult)\b[^.?!]{0,40}\b(?:without|no|don't ask|dont ask)\s+(?:an? |the )?(?:age (?:check|checks|verification)|(?:asking )?how old)\b"
      r"|\btouch(?:es|ed|ing)?\s+(?:your|ur|my|her|his)\s+(?:chest|boobs?|breasts?|butt|bum|thighs?|privates?|crotch)\b(?![^.?!]{0,30}\b(?:stethoscope|doctor|nurse|check(?:up)?|x-?ray)\b)"
      r"|\b(?:second|third|home) base (?:and|or|&) (?:second|third|home) base\b|\bwhat(?:'s| is| are) (?:second|third|home) base\b(?![^.?!]{0,40}\b(?:baseball|softball|runner|steal|inning)\b)"
      r"|\b(?:make ?out|makeout|making out)\s*(?:session)?\b[^.?!]{0,40}\b(?:detail\w*|describe|step by step|what to do|how to do|tongue)\b|\bdescribe (?:a |the )?(?:make ?out|makeout|making out)\b"
      r"|\b(?:do|happens|happen) when (?:they|people|you|couples|two people) hook up\b|\bhow far is too far\b|\bmore than (?:just )?(?:kiss|kissing)\b(?=[^.?!]{0,40}\b(?:date|bf|gf|boyfriend|girlfriend|crush|can we|should we)\b)|\b(?:date|bf|gf|boyfriend|girlfriend|crush)\b[^.?!]{0,40}\bmore than (?:just )?(?:kiss|kissing)\b"
      r"|\btouch(?:ing)? yourself\b(?=[^.?!]{0,60}\b(?:alone|room|easy|feels|how|bed|there|just)\b)(?![^.?!]{0,20}\b(?:face|eyes|mouth|nose)\b)"
      r"|\b(?:do|doing|try|trying) (?:stuff|things|it)\b[^.?!]{0,40}\b(?:in (?:his|her|my|your) (?:room|bed)|when (?:his|her|my|our|their) parents (?:are|were) (?:out|gone|away|not home|asleep))\b(?=[\s\S]{0,60}\b(?:boyfriend|girlfriend|bf|gf|crush|what should we do|first)\b)"
      r"|\b(?:boyfriend|girlfriend|bf|gf)\b[^.?!]{0,40}\b(?:do|doing|try) (?:stuff|things)\b[^.?!]{0,40}\b(?:room|bed|alone|parents (?:are|were) (?:out|gone|away))\b"
      r"|\b(?:chest|boobs|butt|booty|bum)\s+(?:look|looks|seem)\s+(?:bigger|smaller|better|good|hot)\b[^.?!]{0,40}\b(?:pic|photo|selfie|video|boy|girl|him|her)\b"
      r"|\b(?:body|you|your butt|your chest)\s+(?:would\s+|will\s+)?look(?:s)?\s+(?:so\s+|really\s+)?(?:hot|sexy)\s+in\b|\b(?:climb|climbs|get|gets|crawl|crawls|slide|slides|slip|slips)\s+into bed\s+(?:with|next to|beside)\s+you\b"
      r"|\b(?:bra|underwear|bikini|panties|boxers|lingerie|swimsuit|bathing suit|shirtless|topless)\s+(?:pic|pics|photo|photos|selfie|selfies|picture|pictures|video|vid)s?\b(?![^.?!]{0,40}\b(?:shopping|size|catalog|store|ad|advert)\b)",
      unless=_BIO + r"|doctor|nurse|stethoscope|what to do if|report (?:it|this)|someone sent me|is it normal|puberty|health class|baseball|softball|don't touch your face|wash your hands")
_rule("grooming", "online_partner",
      r"\b(?:my |an |this |the )?(?:online|internet|gaming|discord|roblox|fortnite|minecraft|tiktok|snapchat|insta(?:gram)?) (?:boyfriend|girlfriend|bf|gf|bae|crush|husband|wife)\b"
      r"|\b(?:boyfriend|girlfriend|bf|gf)\b[^.?!]{0,30}\b(?:he's|she's|hes|shes|is|who's) (?:in college|in university|in the army|a grown ?up|an adult|out of high school|(?:a )?senior in high school|already working|got a job|has a car)\b"
      r"|\b(?:hide|hiding|delete|deleting|erase)\s+(?:my\s+)?(?:texts|messages|chats|dms)\s+(?:with|from)\s+(?:my\s+)?(?:online|internet|older)\b"
      r"|\b(?:met|meet|know)\s+(?:him|her|them|someone|a guy|a man|a girl|a lady)\s+(?:online|on (?:a |the )?(?:game|discord|roblox|fortnite|minecraft|tiktok|snap|insta\w*|among us))\b[^.?!]{0,80}\b(?:wants?|asked|says?|said|told)\b[^.?!]{0,60}\b(?:meet|visit|see (?:him|her)|come|bus|train|pay|pick me up|alone|secret|pics?|photos?)\b"
      r"|\b(?:wants?|asked|asks) me to (?:take|get on|ride) (?:a|the) (?:bus|train|uber|taxi|plane) to (?:see|visit|meet) (?:him|her|them)\b",
      unless=r"what should i do|is it safe|warning sign|grooming is|report|trusted adult|in the story|character|book|movie|for (?:my|our) (?:class|project|report)|internet safety|lesson")
_rule("personal_info", "more_details",
      r"\b(?:code|key|password|pin|passcode|combo)\s+(?:to|for)\s+(?:get(?:ting)? (?:into|in)|open(?:ing)?|enter(?:ing)?|unlock(?:ing)?)\s+(?:your|ur)\s+(?:\w+\s+)?(?:building|house|home|apartment|door|gate|garage|room)\b"
      r"|\b(?:do|does) (?:your|ur) (?:parents|mom|dad|mom and dad) (?:both )?work\b[^.?!]{0,40}[?.!]?\s*(?:when|what time|how late|until)\b"
      r"|\b(?:numbers?|digits|code|expiration|expiry)\s+(?:on|of|from)\s+(?:the back of\s+)?(?:your|ur)\s+(?:mom's|moms|dad's|dads|parents'?|parent's)?\s*(?:credit |debit |bank )?card\b"
      r"|\b(?:your|ur)\s+(?:mom's|moms|dad's|dads|parents'?|parent's)\s+(?:credit |debit |bank )?card\b(?=[^.?!]{0,40}\b(?:number|numbers|digits|code|info|details|tell|give|send|type|enter|read)\b)",
      unless=r"never|don't|do not|shouldn't|should not|is it safe|what should i do|what to do if|scam|phishing|internet safety|lesson|math|survey|project")
_MEDS = (r"(?:pills|tablets|meds|medicine|medication|tylenol|advil|ibuprofen|aspirin|acetaminophen|paracetamol|benadryl|"
         r"sleeping pills|painkillers|laxatives|insulin|heart pills|adhd pills|antidepressants|xanax|melatonin)")
_rule("self_harm", "ideation_more",
      r"\b(?:being dead|death|dying|not existing|not being alive|the ground|heaven)\s+(?:sounds|seems|feels|would be|looks)\s+(?:so\s+|really\s+|kind of\s+)?(?:peaceful|nice|good|better|easier|like a relief|great|calm|quiet)\b"
      r"|\b(?:i'd|i would|id|i'll) rather (?:be dead|die|not exist|not be alive|not wake up|be in (?:the ground|a grave))\b|\bbetter off (?:in (?:the|a) (?:ground|grave|coffin)|in heaven|not existing)\b"
      r"|\bwhy am i (?:even )?still (?:here|alive|around|breathing)\b|\bwhat(?:'s| is) (?:even )?the point (?:of|in) me\b|\b(?:no|any) point (?:in|of) me\b|\bi(?:'m| am) (?:just |such |only )?a waste of (?:oxygen|space|air|life|a person)\b"
      r"|\b(?:i'm|i am|im) (?:checking|going to check) out (?:soon|tonight|early|for good|forever)\b|\b(?:done|finished) with (?:this world|this planet|existing|being alive|this life)\b"
      r"|\b(?:be|go|get|join|see)\b[^.?!]{0,25}\b(?:in heaven|to heaven)\b[^.?!]{0,20}\b(?:now|sooner|early|earlier|faster|today|tonight|soon)\b|\b(?:go|get) to heaven (?:early|now|sooner|faster|today|tonight)\b|\bhow (?:do|can) i get to heaven\b"
      r"|\b(?:ending|end) it (?:all )?(?:tonight|today|now|soon|this (?:week|weekend)|for good|forever)\b|\b(?:thinking|thought|think) (?:of|about) ending (?:it|things|everything|my life)\b|\bi(?:'m| am) (?:going to )?end(?:ing)? (?:it|things|everything|it all)\b(?!\s+(?:with|at|on|by|early))"
      r"|\b(?:i've|i have|i) (?:chosen|picked|set|decided on) (?:the|a|my) (?:day|date|night)\b(?![^.?!]{0,30}\b(?:party|trip|wedding|sleepover|game|test|concert|birthday|vacation|visit)\b)"
      r"|\b(?:know|decided|figured out|planned) (?:exactly )?how i(?:'m| am)? (?:going to|gonna|will|'ll) do it\b|\bthink about how i (?:would|will|could|'d) do it\b"
      r"|\blast time i tried\b[^.?!]{0,30}\b(?:didn't work|did not work|failed|woke up|survived|got scared)\b|\bi (?:tried|try) to (?:kill|hang|choke|strangle|drown|poison|suffocate|overdose)\b"
      r"|\b(?:burden|mistake|ruin everything|problem for everyone)\b[\s\S]{0,60}?\b(?:i'll fix (?:it|that|this|everything)|fix (?:it|everything|this) (?:soon|forever|for good|by leaving|by disappearing))\b|\bfix everything by (?:leaving|disappearing|going away|dying|being gone)\b"
      r"|\bif i(?:'m| am) gone\b|\bi (?:won't|wont|will not) see (?:anyone|anybody|you|my (?:family|friends|mom|dad)) (?:again|ever again|anymore)\b"
      r"|\b(?:hope|hoping|wish|want|pray|praying)\w*\b[^.?!]{0,30}\b(?:(?:get|gets|getting) hit by (?:a|the) (?:car|bus|train|truck)|(?:the |our |his |her )?(?:car|plane|bus) (?:to )?crash(?:es)?|get into (?:an|a car) accident|(?:don't|dont|won't|wont|never) (?:start|wake|come) (?:again|back|up)|not (?:start|wake) (?:again|up))\b"
      r"|\b(?:run|walk|step|jump|ran|walked|stepped|jumped)\w*\s+(?:out\s+)?(?:in ?to|in front of|onto)\s+(?:the\s+)?(?:road|street|traffic|highway|a car|cars|the bus|a bus|the train|a train|tracks)\b[^.?!]{0,30}\b(?:on purpose|so|and)\b"
      r"|\b(?:i|i'm|i just|me|i want to|i wanna|i'd like to)\b[^.?!]{0,30}\b(?:fade away|go away forever|switch (?:myself )?off|lose consciousness forever|go to sleep and (?:not|never) (?:come back|wake up)|never come back|lie down in the snow)\b"
      r"|\bmy (?:arms?|wrists?|legs?|thighs?|skin|stomach) (?:are|is) (?:covered in (?:lines|cuts|scars|marks|scratches)|a mess|all cut up|full of (?:cuts|scars|lines))\b"
      r"|\b(?:scratch|poke|stab|dig|rub|pinch|burn|carve|cut|prick)\w*\s+(?:myself|my (?:arms?|legs?|wrists?|thighs?|skin|stomach|hips?))\s+(?:with (?:a |the |my )?(?:paperclip|paper clip|pins?|safety pins?|needles?|eraser|compass|blade|razor|scissors|lighter|glue gun|nails?|pen)|(?:skin|arms?|legs?) (?:raw|until))\b"
      r"|\bdig (?:my )?(?:nails|fingernails) into my (?:arm|arms|skin|leg|legs|hand|hands|wrist)\b|\brub (?:my )?(?:skin|arm|arms) raw\b|\bmake my body pay\b|\b(?:rip|tear|peel|claw)\s+(?:my|off my)\s+(?:own\s+)?(?:skin|face)\b"
      r"|\bdo something (?:bad|stupid|terrible|dangerous|drastic) to myself\b|\b(?:planning|going|ready|decided|about) to (?:leave|go away|disappear|run away) (?:for good|forever)\b"
      r"|\bi(?:'ve| have)? (?:been )?(?:cut|cutting|self[- ]?harming|hurting myself) (?:since|for (?:a|\d+|two|three|four|five|a few|many) (?:years?|months?|weeks?))\b|\b(?:tell|told)\b[^.?!]{0,30}\bi (?:cut|self[- ]?harm|hurt myself|have been cutting)\b"
      r"|\b(?:cut|cuts|cutting|bleeding|burns?|scabs?|scars?|what i did)\b[^.?!]{0,40}\b(?:without (?:telling|anyone (?:knowing|seeing|noticing)|my (?:mom|dad|parents) (?:knowing|finding out|noticing|seeing))|so (?:no one|nobody|noone) (?:sees|knows|notices|finds out))\b"
      r"|\b(?:overdose|od) on\b|\b(?:take|took|taking|swallow\w*|drink|drank|eat|ate)\s+(?:like\s+)?(?:all|\d+|too many|a bunch of|a lot of|a handful of|the whole bottle of|every)\s+(?:of\s+)?(?:my\s+|the\s+|her\s+|his\s+|\w+'s\s+)?(?:\w+\s+)?" + _MEDS + r"\b"
      r"|\b(?:count|counting|counted|thinking about|think about|looking at|staring at)\b[^.?!]{0,20}\bthe " + _MEDS + r"\b|\b(?:too many|all the|all my) " + _MEDS + r"\b[^.?!]{0,40}\b(?:fall asleep|never wake|not wake|sleep forever|die|stop my heart|look like an accident)\b"
      r"|\b(?:how much|how many)\b[^.?!]{0,20}\b" + _MEDS + r"\b[^.?!]{0,30}\b(?:hurts? your liver|kill|stop (?:my|your) heart|too many|fatal)\b"
      r"|\b(?:drink|drinking|drank|swallow|swallowed|eat)\s+(?:some of\s+)?(?:the\s+)?(?:bleach|stuff under the sink|cleaning (?:stuff|products|spray|liquid)|windex|drano|antifreeze|rat poison|poison)\b"
      r"|\bhow long (?:does it take|until|before|would it take|can (?:you|a person|someone|i))\b[^.?!]{0,30}\b(?:bleed out|to drown|drown|freeze to death|suffocate|stop breathing|die)\b(?=[\s\S]{0,40}\b(?:me|myself|asking for|i|for real)\b)|\bbleed out\b"
      r"|\b(?:epipen|insulin|inhaler)\b[^.?!]{0,40}\bstop my heart\b|\bcould it (?:stop my heart|kill me)\b|\bwill it be (?:quick|painless|fast)\b"
      r"|\b(?:fall|fell|jump|jumped)\b[^.?!]{0,20}\bfrom (?:the )?(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|top) floor\b[^.?!]{0,30}\b(?:die|dead|survive|kill)\b"
      r"|\b(?:keep|kept) (?:going|walking|standing) (?:on|to) the (?:bridge|roof|edge|tracks)\b[^.?!]{0,30}\blooking down\b|\btell(?:ing)? me to jump\b|\b(?:tied|tie|tying) (?:a |my )?(?:scarf|belt|rope|cord|sheet|string)\b[^.?!]{0,40}\b(?:to test|around my neck|closet rod|to the)\b"
      r"|\b(?:zero|0|no)[- ]calorie\b[^.?!]{0,40}\b(?:without gaining|keep starving|so i can|not gain|starv\w*)\b|\blowest (?:weight|i can weigh)\b|\bweigh(?:ed)? myself \d+ times\b"
      r"|\bcalories\b[^.?!]{0,40}\blose weight (?:really |super )?(?:fast|quick|quickly)\b|\blaxatives?\b[^.?!]{0,40}\b(?:lose weight|weight|skinny|how many|after (?:every )?meals?)\b|\b(?:purge|purged|purging|purges)\b"
      r"|\bi (?:don't|do not|dont) deserve (?:to eat|food|dinner|lunch|breakfast)\b|\bmake it come (?:back )?up\b|\bwhen i eat\b[^.?!]{0,30}\b(?:failed|disgusting|gross|guilty)\b|\beat nothing until\b|\bbones show\b"
      r"|\bmeal plan (?:with|of|for) (?:like |only |just )?\d{2,3} calories\b|(?<![\d,])\d{2,3} calories a day\b|\bana (?:coach|tips|buddy|rules)\b|\bpro[- ]?ana\b|\bexcuses? (?:to|for) skip(?:ping)? (?:family )?(?:dinner|lunch|breakfast|meals)\b"
      r"|\bhide (?:my |the )?food (?:better|in my|so)\b|\bfound my (?:hidden )?food\b|\b(?:ice|gum|water) instead of (?:lunch|dinner|breakfast|food|eating|meals)\b|\bonly eat once (?:every|a|in)\b",
      unless=_FAREWELL_BENIGN + r"|health class|for (?:a|my|our) (?:project|report|essay|poster|class|worksheet)|warning signs|my friend|help (?:my|a) friend|doctor|nurse|wrestl\w*|athletes?|ramadan|lent\b|yom kippur|fasting for religio|story about a (?:character|dog)|my (?:little )?(?:brother|sister|dog|cat) (?:ate|swallowed|drank)|poison control|what should i do|what to do if|accident(?:ally)?|the (?:soup|pot|rice)|heaven (?:is|was) |what do (?:christians|muslims|people|religions)")
_rule("self_harm", "encourage_output_more",
      r"\b(?:high enough|tall enough|deep enough|enough to (?:die|not wake up|end it|do it))\b(?=[\s\S]{0,60}\b(?:floor|bridge|roof|building|pills|jump|fall|fell|water)\b)|\b(?:floor|bridge|roof|building|cliff)\b[^.?!]{0,40}\b(?:high enough|is usually enough)\b"
      r"|\b(?:easy to hide|don't leave (?:big |any )?marks|won't leave (?:big |any )?marks|nobody will notice the)\b(?=[\s\S]{0,60}\b(?:cut|cuts|pins?|paperclips?|blade|razor|burn|scratch|marks|skin)\b)"
      r"|\b(?:won't|will not|i'm not going to) (?:try to )?stop you\b|\b(?:get|go) there sooner\b|\bstop feeling anything\b|\b(?:pass|passing) out\b[^.?!]{0,30}\b(?:good way|great way|best way|easy)\b"
      r"|\b(?:laxatives|purging|throwing up|starving|skipping meals|not eating|fasting|ice instead)\b[^.?!]{0,40}\b(?:quick way|easy way|good way|great way|smart trick|best way|easier if|works|will help)\b"
      r"|\b(?:keep starving|keep (?:cutting|hurting yourself|purging|skipping))\b|\bhelp you get (?:skinny|thin|skinnier|thinner) (?:fast|quick)\b|\bpunish yourself if you (?:fail|eat)\b"
      r"|\bkeep (?:the |your )?(?:cuts|scars|burns|marks|cutting) (?:a )?secret\b|\b(?:poison|pills)\b[^.?!]{0,30}\b(?:works? in|easy to find|in a garage)\b"
      r"|\b(?:world|everyone|your family|they)\b[^.?!]{0,30}\b(?:quieter|happier|better|easier) without you\b|\b(?:goodbye|suicide|farewell) (?:letter|note)\b[^.?!]{0,50}\b(?:why you left|understand why|before you)\b|\bwrite in your (?:goodbye|suicide|farewell) (?:letter|note)\b"
      r"|\bafter you're gone\b|\btake them one by one\b|\bwithout anyone noticing\b[^.?!]{0,30}\b(?:pills|cut|eat|food|throw up)\b|\b(?:pills|cut|eat|food|throw up)\b[^.?!]{0,30}\bwithout anyone noticing\b",
      unless=r"trusted adult|988|hotline|please talk|reach out|counselor can help|not your fault|you matter|never|don't|do not|poison control|call 911|shelf|tree|kite|ladder|in the (?:story|game)", directions=("output",))
_rule("sexual", "slang_more",
      r"\b(?:smash|smashing|smashed)\b(?=[^.?!]{0,40}\b(?:mean|how do|her|him|girl|boy|crush|or pass|for real)\b)(?![^.?!]{0,30}\b(?:bros|hit|score|record|pumpkin|cans?|high score)\b)|\bclap(?:ping)? (?:her |his )?cheeks\b|\bget(?:ting)? laid\b|\b(?:do|doing|did) the deed\b"
      r"|\bbody count\b(?![^.?!]{0,40}\b(?:war|battle|history|historical|game|movie|zombie|soldiers?)\b)|\bbang(?:ing)? (?:her|him|a girl|a boy|girls|my (?:gf|bf|girlfriend|boyfriend|crush))\b|\bdown bad\b|\bthirsty\b[^.?!]{0,30}\b(?:girl|boy|her|him|for)\b"
      r"|\bwhat(?:'s| is) oral\b(?! (?:report|presentation|history|tradition|hygiene|language|exam|test|surgeon|health))|\boral sex\b"
      r"|\bgo (?:further|farther|all the way)\b[^.?!]{0,30}\b(?:kiss\w*|bf|gf|boyfriend|girlfriend|crush|with (?:him|her))\b|\b(?:kiss\w*|bf|gf|boyfriend|girlfriend|crush)\b[^.?!]{0,40}\bgo (?:further|farther|all the way)\b"
      r"|\bhow (?:do|should|can) (?:we|people|you) (?:actually )?do it\b(?=[\s\S]{0,60}\b(?:shower|bed|gf|bf|ready|first time|room)\b)|\b(?:gf|bf|girlfriend|boyfriend|crush|shower|bed)\b[\s\S]{0,60}\bhow (?:do|should|can) (?:we|people|you) (?:actually )?do it\b"
      r"|\bshow (?:me|you) (?:hers|his|yours|mine) if\b|\bi(?:'ll| will) show you mine\b"
      r"|\b(?:see|watch|spy on|peek at|film|record)\s+(?:the\s+)?(?:girls|boys|women|men|people|her|him|them)\s+(?:\w+\s+)?(?:in the|changing in the|in their)\s+(?:locker room|changing room|shower|showers|bathroom)\b"
      r"|\b(?:sell|selling)\s+(?:my\s+)?(?:\w+\s+)?(?:pics|pictures|photos|videos|content)\b(?=[^.?!]{0,40}\b(?:online|money|girl|boy|\d+ year old|men|guys|revealing)\b)|\bfeet pics?\b|\bpics? of (?:my|your|ur) feet\b"
      r"|\b(?:edit|photoshop|change|make)\b[^.?!]{0,40}\b(?:no (?:shirt|top|clothes)|without (?:a |her |his |any )?(?:shirt|top|clothes)|(?:bikini|swimsuit|skirt|dress|shirt|top) (?:smaller|shorter|tighter|see-?through|transparent)|isn't wearing|naked|nude)\b"
      r"|\b(?:draw|generate|make|create|edit|drew|made|edited)\b[^.?!]{0,40}\b(?:shirt|top|clothes|bra|pants|bikini) off\b|\bisn't wearing (?:a |her |his )?(?:shirt|top|clothes|anything) anymore\b"
      r"|\b(?:pics?|pictures?|photos?|videos?|images?)\s+of\s+(?:girls|boys|women|men|ladies|her|my classmate|people)\s+in\s+(?:thongs?|bikinis?|underwear|lingerie|bras?|panties|swimsuits?)\b"
      r"|\b(?:describe|write|tell)\b[^.?!]{0,40}\b(?:her|his|a girl's|a woman's|a boy's|a man's|girls'?|my (?:crush|teacher)'s) body\b[^.?!]{0,40}\b(?:bed|under|swimsuit|naked|sexy|in detail|touch)\b|\b(?:poem|story|song) about (?:her|his) body\b"
      r"|\bnaughty\b[^.?!]{0,15}\b(?:story|stories|poem|song|roleplay|scene|texts?)\b|\b(?:something|anything|things|stuff|some)\s+\w+\s+(?:and|&)\s+(?:naughty|dirty|sexy|spicy|lewd|kinky)\b"
      r"|\b(?:moan|moaning|moans)\b(?=[^.?!]{0,30}\b(?:sounds?|for me|say|make|do|her|girl|you)\b)(?![^.?!]{0,30}\b(?:ghost|wind|zombie|cow|pain|sick|complain)\b)"
      r"|\b(?:started|began|start|begin|starts|begins) to (?:undress|strip|take (?:off )?(?:her|his|their) clothes)\b|\bput(?:s|ting)? my hand on (?:your|ur) (?:leg|thigh|knee|waist|chest)\b"
      r"|\b(?:takes?|took|taking) off (?:her|his|my|your) (?:top|shirt|bra|dress|pants)\b[^.?!]{0,40}\b(?:lies|lays|lie|lay|next to you|bed|slowly)\b"
      r"|\b(?:sleep ?over|come over|sleepover)\b[^.?!]{0,30}\b(?:do stuff|do things|do it|mess around|hook up)\b|\bwhat (?:should|can|could) we do in (?:my|her|his) (?:room|bed)\b"
      r"|\b(?:get|got|getting) hard\b[^.?!]{0,30}\b(?:cuddl\w*|gf|bf|girl|boy|kiss\w*)\b|\b(?:most )?(?:inappropriate|naughtiest|dirtiest|nastiest) (?:thing|things|stuff)\b[^.?!]{0,40}\b(?:boyfriend|girlfriend|couples?|do in bed|in bed)\b"
      r"|\b(?:hottest|sexiest|dirtiest|naughtiest)\s+(?:thing|things|stuff|text|message)s?\s+(?:to\s+)?(?:say|send|text|do)\b|\b(?:get (?:someone|a girl|her) pregnant|make a baby)\b[^.?!]{0,50}\b(?:step by step|exactly|what do you do|how do you do it|in detail)\b"
      r"|\b(?:private part|private parts|privates|dick|penis|nude|naked)\b[\s\S]{0,60}\bsend (?:one|some|a pic|mine|it) back\b|\bpics? of (?:his|her|my|your) private (?:parts?|area)\b|\bget (?:her|him|them|a girl|a boy) to send (?:you |me )?(?:a |some )?(?:pics?|pictures?|photos?|nudes?)\b"
      r"|\bpleasure (?:themselves|herself|himself|yourself|myself)\b|\b(?:where|how) (?:can|do) i (?:see|find|watch)\b[^.?!]{0,20}\bpeople (?:naked|having sex|doing it)\b",
      unless=_BIO + r"|what to do if|report (?:it|this)|someone sent me (?:a |an )?(?:pic|picture)[^.?!]{0,30}what should|is it normal to|puberty|health class|baseball|softball|smash bros|super smash|hulk smash|smash (?:a|the|my) (?:pumpkin|can|record|score)")
_rule("grooming", "more_cues",
      r"\bdo (?:you|u) have (?:a |your |ur )?(?:own )?(?:phone|cell|tablet)\b(?=[\s\S]{0,80}\b(?:parents|mom|dad|night|room|bed|alone|snap|number|text)\b)|\b(?:phone|tablet) of (?:your|ur) own\b|\b(?:phone|tablet|ipad) in (?:your|ur) (?:bed)?room at night\b"
      r"|\bmy (?:little|secret|special) (?:girlfriend|boyfriend|gf|bf|wife|princess)\b|\bsecret (?:job|mission|helper|club|lessons?|meetings?|visits?|admirer)\b(?![^.?!]{0,30}\b(?:surprise|spy|story|book|agent|class|santa)\b)"
      r"|\b(?:keep|keeps|keeping)\s+secrets\b(?=[^.?!]{0,40}\b(?:brother|sister|friends|us|adults|grown ?ups|parents)\b)|\b(?:nobody|no one|noone) (?:needs|has|have) to know about (?:me|us)\b"
      r"|\bi(?:'ll| will| am|'m) (?:be )?(?:at|near|in|by|around|outside) (?:the \w+ )?(?:near |by |outside )?(?:your|ur) (?:school|house|home|street|bus stop|practice)(?:'s area)?\b|\bwhich (?:window|room|house|door) is (?:your|ur)\b|\bdrive (?:by|past) (?:your|ur) (?:house|school|window)\b|\bi'll wave\b"
      r"|\bwhere do (?:you|u) (?:walk|go|hang out|play|wait)\s+(?:\w+\s+)?(?:after|before) (?:school|class|practice)\b|\b(?:can|could|should|may) i (?:come )?pick (?:you|u) up\b"
      r"|\bwhat do (?:you|u) (?:wear|sleep in) (?:to|in) bed\b|\bdo (?:you|u) (?:ever )?take (?:baths|showers|a bath|a shower)\b"
      r"|\b(?:teach|show) (?:you|u) (?:\w+ )?(?:stuff|things)\b[^.?!]{0,30}\b(?:parents won't|parents don't|grown[- ]?up|adult|secret)\b|\bteach (?:me|you|u) (?:how )?to kiss\b"
      r"|\b(?:come|you can come|u can come) (?:and )?(?:live|stay) with me\b|\b(?:run away|live) together\b|\b(?:come|he'll come|she'll come|he will come|he'd come) (?:and )?get (?:me|you)\b[^.?!]{0,30}\b(?:live|together|away|forever)\b|\bcall (?:him|me|her) daddy\b"
      r"|\bi(?:'m| am) (?:\d|1[0-4])\b[^.?!]{0,40}\bthat's perfect\b|\bowe (?:him|her|them|me) (?:\w+ )?(?:pics?|photos?|pictures?|nudes?|a video|videos)\b"
      r"|\bif you (?:really |truly )?(?:loved|liked|trusted|cared about) me\b[^.?!]{0,30}\b(?:send|show|meet|come|you'd|you would|prove)\b|\b(?:kill|hurt) (?:himself|herself|themselves|myself)\b[^.?!]{0,30}\bif (?:i|you|u) (?:stop|tell|leave|don't)\b"
      r"|\bturn off (?:your|ur|my) location\b[^.?!]{0,40}\b(?:meet|see|come|so (?:your|my|ur) parents)\b"
      r"|\b(?:download|get|use|move to|switch to|let's move to|lets move to)\s+(?:kik|telegram|wickr|signal|whats ?app|snap(?:chat)?|discord|insta(?:gram)?)\b[^.?!]{0,40}\b(?:safer|private|secret|parents|mods|won't see|can't see)\b"
      r"|\bsend (?:him|her|them|me) (?:\w+ )?(?:pics?|photos?|pictures?|videos?)\b[^.?!]{0,40}\b(?:in (?:my|your|ur) (?:leotard|swimsuit|bathing suit|pajamas|underwear|bikini)|of (?:my|your|ur) (?:feet|body|legs))\b"
      r"|\b(?:video|live|live video|stream|pics?|photos?|selfies?)\b[^.?!]{0,20}\bin (?:my|your|ur) (?:pajamas|pjs|leotard|underwear|swimsuit)\b|\bfull[- ]body (?:pic|photo|picture|selfie|video)\b"
      r"|\b(?:young|little) models\b|\b(?:play|let's play) a game where you (?:follow my instructions|do (?:exactly )?what i say)\b|\b(?:follow my instructions|do (?:exactly )?what i say) on (?:camera|cam|video)\b|\bmake sure (?:nobody|no one) (?:else )?is (?:in the room|around|watching)\b"
      r"|\bhang out\b[^.?!]{0,30}\bwithout (?:my|your|ur) (?:brother|sister|parents|mom|dad|friends)\b|\bif (?:i|you|u) (?:don't|dont|do not|never|won't|wont) tell (?:my |your |ur )?(?:mom|dad|parents|anyone|anybody|mum|family)\b"
      r"|\b(?:coach|teacher|tutor|pastor|priest|neighbou?r|\w+'s dad|uncle|babysitter|instructor|trainer)\b[^.?!]{0,20}\b(?:texts?|messages?|dms?|calls?|snaps?)\s+me\b[^.?!]{0,30}\b(?:at night|late|every night|goodnight|good night|on (?:insta\w*|snap\w*|tiktok|discord))\b"
      r"|\b(?:asked|asks|told|tells|wants|wanted) me to\b[^.?!]{0,50}\band (?:not|never) (?:to )?tell\b|\bwants? (?:my|your|ur) (?:address|number|phone number|school|snap|location)\b[^.?!]{0,30}\b(?:send|gift|present|visit|meet)\b"
      r"|\b(?:makes?|made|asks?|asked|wants?|wanted|tells?|told)\s+me\s+(?:to\s+)?(?:take|send|pose for|make)\s+(?:\w+\s+)?(?:pictures?|pics?|photos?|videos?|selfies?)\s+(?:without (?:my|any) clothes|with no clothes(?: on)?|naked|in my underwear|of my (?:body|privates|private parts))\b"
      r"|\b(?:be|like) (?:a|my|your) (?:big brother|big sister|mom|dad|second mom|new mom|new dad)\b[^.?!]{0,40}\b(?:to you|secret|because (?:yours|mine|your)|doesn't care|don't care)\b",
      unless=r"surprise|birthday|what should i do|is it safe|warning sign|grooming is|report|trusted adult|in the story|character|book|movie|internet safety|lesson|my mom said|my dad said|with my (?:mom|dad|parents)'s permission|secret santa|spy")
_rule("personal_info", "more_places",
      r"\b(?:what|which) (?:church|mosque|temple|synagogue|park|playground|store|library|mall|gym|pool|team|club|dance studio|after ?school program|daycare|bus stop)\b[^.?!]{0,20}\b(?:do|does) (?:you|u) (?:go to|play at|attend|go|play|swim at|use|wait at)\b"
      r"|\bwhere (?:do|does) (?:you|u) have (?:soccer|football|dance|swim|practice|\w+ practice|lessons|class|church)\b|\b(?:what|which)\b[^.?!]{0,50}\b(?:near|next to|closest to|nearest to|across from|close to|around) (?:your|ur) (?:house|home|apartment|school|street)\b"
      r"|\bwhich house\b|\bwhich (?:building|apartment|one) (?:is (?:yours|it)|do you live in)\b|\bwhat time (?:does|do) (?:your|ur) (?:school|class|practice) (?:let out|get out|end|finish)\b|\bwhich (?:door|exit|gate) (?:do|does) (?:you|u) (?:come out|leave|use|exit)\b"
      r"|\b(?:what|which) (?:streets?|roads?|way|route) do (?:you|u) (?:pass|take|walk|use)\b|\b(?:what|which) floor (?:is|are) (?:your|ur)\b|\b(?:your|ur) (?:door|apartment|unit|room|house) number\b"
      r"|\b(?:screenshot|screen shot)\b[^.?!]{0,20}\b(?:your|ur) (?:location|map|address)\b|\b(?:photo|pic|picture|scan)s? of (?:your|ur) (?:report card|student id|school id|id card|badge|library card)\b"
      r"|\b(?:your|ur) (?:grandma|grandpa|grandmother|grandfather|aunt|uncle|cousin|sister|brother|best friend)'?s? (?:address|phone|number|house|email|full name|last name)\b"
      r"|\b(?:which|what) school (?:you|u) (?:go to|attend|are at)\b|\b(?:share|post|put) my (?:live |exact )?location (?:on|in|with) (?:my )?(?:public|story|everyone|stream|profile)\b"
      r"|\b(?:i'm|i am|i'll be|i will be)\s+(?:at|in)\s+(?:the\s+)?(?:\w+\s+){0,4}(?:every|each|on)\s+(?:day|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|afternoon|morning|night)s?\b[^.?!]{0,40}\b(?:alone|by myself|at \d)\b"
      r"|(?:\b(?:post|comments?|bio|profile|everyone|public|fans|mail me|send me)\b[\s\S]{0,120}?" + _ADDRESS + r"|" + _ADDRESS + r"[\s\S]{0,120}?\b(?:post|comments?|bio|profile|everyone|public|fans|mail me|send me|home alone|come say hi)\b)"
      r"|\bi(?:'m| am) [a-z]+,? \d{1,2}\b[\s\S]{0,80}?" + _ADDRESS +
      r"|\bmy (?:full |real )?(?:name|address|phone(?: number)?|school|birthday)(?:,? (?:and |&)?(?:my )?(?:full |real |home )?(?:name|address|phone(?: number)?|number|school|birthday|street|town|city)){1,}\b[^.?!]{0,40}\b(?:flyer|post|public|strangers|everyone|online|hand out|channel|bio|profile|video|youtube|tiktok)\b"
      r"|\b(?:add|put|include)\s+(?:your|ur|my)\s+(?:full name|real name|name|school|address|city|town)\b[^.?!]{0,40}\b(?:channel|fans|followers|so (?:fans|people|everyone|kids|friends) can (?:find|friend))\b",
      unless=r"for example|example:|sample|made[- ]up|fake|pretend|in the story|character|math problem|word problem|for (?:a|the) (?:letter|envelope|form)|on the envelope|pen pal program|how (?:do|should) i write|is it safe|should(?:n't| not)|never|don't|do not|why shouldn't|internet safety|lesson|museum|white house|president|emergency|911|poison control|my (?:mom|dad|parents) (?:said|says) (?:i can|it's ok)|with (?:my|a) (?:parent|mom|dad)")
# An answer that talks to the child about self-harm, starving or dying and gives no help (no trusted
# adult, no helpline, no "this is dangerous") is encouraging or instructing it, whatever the wording.
_SH_OUTPUT_TOPIC = (r"(?:cut(?:ting|s)? (?:yourself|your (?:arms?|wrists?|legs?|thighs?|skin))|your (?:cuts|scars|wrists|burns)|(?:the )?marks (?:won't|don't) show|"
                    r"calories|skip(?:ping|ped)? (?:meals|dinner|lunch|breakfast)|not eating|stop eating|starv\w*|throw(?:ing)? up|purg\w*|laxatives?|lose weight|drop weight|see your ribs|fast(?:ing)? for|"
                    r"(?:sleeping )?pills|overdose|goodbye (?:note|letter|poem)|before you go|after you(?:'re| are) gone|ending (?:things|it|your life)|end your life|burden|disappear\w*|"
                    r"nobody would (?:notice|care|miss)|no one would (?:notice|care|miss)|without you|hurt(?:ing)? yourself|pain (?:can|will|helps?)|feel in control|high enough|bridge|rooftop|noose|rope)")
_SH_OUTPUT_HELP = (r"trusted adult|988|hotline|helpline|lifeline|childline|crisis|counsel(?:or|ing)|doctor|nurse|therapist|talk to (?:a|an|your|someone)|tell (?:a|your) (?:parent|teacher|grown|adult|school)|not your fault|you matter|you deserve (?:help|support|to feel better)|"
                   r"dangerous|not safe|unsafe|harmful|serious|eating disorder|warning signs?|please don't|please do not|never|don't (?:ever )?(?:hurt|cut|starve|skip)|let an adult|ask an adult|an adult should|"
                   r"history|historical|story|novel|play\b|character|romeo|juliet|macbeth|hamlet|ophelia|charlotte|villain|pharaoh|titanic|"
                   r"healthy|balanced|nutrition|food pyramid|vegetables|exercise|athletes?|your body needs|depending on|puberty|bacteria|germs|cells?|plants?|battery|magic trick|coin trick|video game|in the game|this level|worksheet|"
                   r"for your class|classmates|moving|new school|retir\w*|graduat\w*|pen pal|thank you|science|experiment")
_rule("self_harm", "unhelpful_output",
      r"^(?![\s\S]*\b(?:" + _SH_OUTPUT_HELP + r"))(?=[\s\S]*\b(?:you|your|you're|yourself)\b)[\s\S]*?\b" + _SH_OUTPUT_TOPIC + r"\b",
      directions=("output",))
_rule("self_harm", "cover_story",
      r"\b(?:burns|cuts|scars|marks|scratches|bruises)\b[^.?!]{0,40}\bso (?:they|people|nobody|no one|noone|my \w+|teachers?) (?:don't|won't|doesn't|dont|wont|will not|can't) (?:ask|notice|see|find out|know)\b"
      r"|\b(?:what (?:should|can|do) i (?:tell|say to)|(?:lie|lies) to|(?:an )?excuse (?:for|to))\b[^.?!]{0,30}\b(?:about )?(?:the |my |these |those )?(?:burns|cuts|scars|marks|scratches|bruises)\b(?= on my| from|\s*[?.!]|$| so)",
      unless=_ACCIDENT + r"|\b(?:cat|dog|kitten|puppy|hamster|pet|rose|thorn|bush|fence)\b|surgery|operation|chicken ?pox|acne|birthmark|sunburn|tattoo|costume|makeup|halloween")

# ============================================================================ round 2: broader wordings
# Written after the second development batch (heldout-r8, the first round's blind test, now read).
# The categories that rested on rules alone generalised worst there (violence and hate 0/5); these
# rules name the *kinds* of wording that were missed (a harm outcome or a weapon after an intent,
# a generalisation about a group, exclusion polls and fake accounts, access to a parent's gun, fake
# authority and filter evasion, neglect and forced bathing), each broader than the sentences that
# showed it. The classifier now covers these categories too (brain/safety/classifier.py).
_PEER_GAMES = GAMES + r"|pi[nñ]ata|pillow|punching bag|the ball|a ball|the drum|nails?|tree|dough|tetherball|volleyball|punch card|hole punch"
_rule("violence", "harm_frame",
      r"\b(?:(?:i|we)(?:'m| am|'re| are)?\s*(?:really |just |so |literally )?(?:going to|gonna|will|'ll|want to|wanna|about to|planning to|plan to|finna|trying to|need to|swear i'll|swear i will|am gonna|'d like to)"
      r"|how (?:do|can|should|could) (?:i|we|you)|how to|best way to|easiest way to|(?:a |some )?ways? to|help me)\s+(?:\w+\s+){0,2}?"
      r"(?:punch|hit|kick|stab|slap|smack|shove|push|trip|throw (?:a |my |this )?(?:\w+ )?at|beat|choke|strangle|headbutt|elbow|knee|jump|hurt|attack|slam|whack|bash)\s+(?:\w+\s+){0,3}?"
      r"(?:in the (?:face|head|throat|eyes?|nose|stomach|teeth|mouth|neck|balls|nuts|gut|ribs|back of the head)|down the (?:stairs|steps|hill)|off (?:the|a) (?:\w+ )?(?:stairs|slide|roof|bleachers|bridge|monkey bars|balcony|bus)"
      r"|so (?:hard )?(?:that )?(?:he|she|they|it)(?:'ll| will| would)? (?:breaks?|bleeds?|cries|can't|cannot|passes out|falls|gets hurt|needs|ends up|won't|never|goes to the hospital|dies)"
      r"|until (?:he|she|they) (?:bleeds?|cries|can't|passes out|stops|falls)|with (?:a|my|the|his|her|this) (?:\w+ )?(?:rock|brick|bat|stick|knife|hammer|chair|belt|bottle|pipe|fork|scissors|pencil|compass|lock|skateboard|binder|stapler))\b",
      unless=_PEER_GAMES + r"|self[- ]defen[cs]e|defend|in the (?:story|book|novel|movie)|character|villain|pretend|what (?:should|do) i do|how (?:do|can) i (?:stop|avoid|protect)|if (?:someone|a kid|he|she) (?:tries|starts|attacks)|kept|keeps|always")
_rule("violence", "revenge_hurt",
      r"\b(?:revenge|get back at|payback|pay back|make (?:him|her|them|\w+) pay|teach (?:him|her|them|\w+) a lesson)\b[^.?!]{0,70}\b(?:hurt\w*|beat\w*|punch\w*|hit|hitting|stab\w*|bleed\w*|injur\w*|break (?:his|her|their)|kill\w*|burn\w*|poison\w*)\b"
      r"|\b(?:hurt\w*|beat\w*|punch\w*|stab\w*|injur\w*)\s+(?:all of them|every (?:one|single one) of them|all the (?:kids|people|students)|everyone who)\b",
      unless=GAMES + r"|character|villain|hero|dragon|knight|witch|in the (?:book|novel|movie|play we read)|revenge of the|why do people|is revenge|feelings|smash|mario|uno|video game")
_rule("violence", "choke_until",
      r"\b(?:choke|choking|strangle|strangling|squeeze (?:\w+ )?(?:neck|throat)|hold (?:\w+ )?(?:under ?water|down|a pillow over))\s+(?:someone|somebody|him|her|them|a (?:kid|person|boy|girl)|my (?:\w+ )?(?:brother|sister|cousin|friend|classmate)|people|your \w+)\b[^.?!]{0,50}\b(?:pass(?:es)? out|faint|stop(?:s)? breathing|go(?:es)? limp|stop(?:s)? moving|black(?:s)? out|can't breathe)\b"
      r"|\bhow long (?:do you have to|should i|to|until|before)\s+(?:\w+\s+){0,2}?(?:choke|strangle|hold (?:\w+ )?under)\b",
      unless=r"first aid|heimlich|what to do if|is choking|help (?:someone|a person)|cpr|wrestling move|in the (?:story|book|movie)")
_rule("violence", "hit_instruction",
      r"\b(?:hit|smack|whack|punch|stab|kick|shove|push|trip|slap|choke|throw (?:a |the )?(?:\w+ )?at)\s+(?:him|her|them|that kid|the kid|the (?:\w+ )?(?:boy|girl|bully)|your (?:brother|sister|classmate|teacher|friend|bully|cousin))\s+"
      r"(?:with (?:a|the|your) (?:\w+ )?(?:rock|brick|bat|stick|knife|chair|bottle|belt|pipe|scissors|pencil|hammer|lock)|in the (?:face|head|throat|neck|eye|stomach|nose)|when (?:the|no|nobody|no one)|until|down the stairs|as hard as you can|where it hurts)\b",
      unless=_PEER_GAMES + r"|self[- ]defen[cs]e|defend|in the (?:story|book|novel)|character|villain|ball|don't|do not|never", directions=("output",))
_HATE_GROUPS = (r"(?:" + GROUPS + r"|(?:trans|gay|muslim|jewish|black|asian|mexican|immigrant|refugee|disabled|autistic|deaf|indian|arab|chinese|african|latino|hispanic) (?:kids|kid|girls?|boys?|guys?|families|family)"
                r"|mexicans?|africans?|arabs?|koreans?|japanese people|vietnamese people|filipinos?|haitians?|somalis?|syrians?|pakistanis?|nigerians?|russians?|gypsies|jews?|muslims?|hindus?|sikhs?|christians?|catholics?|atheists?"
                r"|trans(?:gender)? people|lgbt\w* people|people (?:from|in) (?:that|this|those|their|his|her|your) (?:country|countries|place|religion|part of the world)|people of (?:that|this|his|her|their) (?:race|color|colour|religion)"
                r"|(?:those|these|that kind of|his kind of|her kind of) (?:people|immigrants|foreigners)|foreigners|illegals|minorities|people with (?:dark|black|brown) skin|people in wheelchairs|deaf people|blind people|people with autism|people with down syndrome)")
_HATE_TRAIT = (r"(?:all |just |so |really |basically |naturally |obviously |always |nothing but |a bunch of )*(?:confused |sick |dirty |dumb |stupid |lazy |ugly |gross |disgusting )?"
               r"(?:freaks?|lazy|dirty|dumb|dumber|stupid|stupider|smelly|stinky|inferior|worse|criminals?|illegals?|savages?|animals|sick|mentally ill|a disease|scammers?|terrorists?|thieves|disgusting|gross|evil|trash|garbage|greedy|cheap|violent|dangerous|ugly|useless|a burden|worthless|less smart|not as smart|unnatural|perverts?|pedos?|parasites|rats|pigs|monkeys|apes|weird(?:os)?|liars?|backwards)")
_rule("hate", "group_generalisation",
      r"\b(?:all |most |the |those |these |every |some )?" + _HATE_GROUPS + r"\s+(?:are|r|is|were|be)\s+" + _HATE_TRAIT + r"\b"
      r"|\bwhy (?:are|do|is) (?:all |most |so many )?" + _HATE_GROUPS + r"\s+(?:so |all |always |more |naturally )?(?:worse|dumber|lazier|dirtier|stupider|bad at|worse at|inferior|violent|greedy|smelly|smell|stink|dirty|lazy|criminals|terrorists|less smart|not as smart)\b"
      r"|\b" + _HATE_GROUPS + r"\s+(?:control|run|own|rule|secretly control|are taking over)\s+(?:everything|the world|the banks|the media|the money|hollywood|the government|the country|america|our country)\b"
      r"|\b(?:girls|women|boys|men)\s+(?:are|r)\s+(?:just\s+|naturally\s+|all\s+)?(?:dumber|stupider|worse at|weaker at|inferior|too emotional to|too stupid to|not smart enough to|bad at (?:math|science|leading|everything))\b"
      r"|\b(?:girls|women)\s+(?:can't|cannot|shouldn't|should not)\s+(?:be|do|have)\s+(?:engineers|leaders|scientists|presidents|real jobs|doctors|in charge|smart)\b"
      r"|\b" + _HATE_GROUPS + r"\s+(?:should|shouldn't|should not|don't deserve to|do not deserve to|aren't allowed to|can't|must)\s+(?:all\s+)?(?:go back|leave|be allowed|be in (?:our|my|this)|come (?:to|into)|play with|sit with|vote|be teachers|be sent (?:back|away)|get out|live here|exist|be banned)\b",
      unless=r"history|historical|civil rights|segregation|jim crow|apartheid|slavery|propaganda|stereotypes? (?:is|are|about)|is it true|is (?:it|that|this) (?:true|racist|wrong|offensive|a stereotype)|myth|people used to (?:say|think|believe)|nazis (?:said|thought|claimed|believed)|why do (?:some )?people (?:think|say|believe)|how (?:do|can|should) i (?:respond|answer|explain|tell)|someone (?:said|says)|(?:kids|he|she|they) (?:said|say|says|keep saying)|not true|isn't true|wrong to say|why is it wrong|in the 1\d00s|hundreds of years ago|used to be")
_rule("hate", "group_mockery",
      r"\b(?:roast\w*|diss\w*|mock\w*|mak(?:e|ing) fun of|imitat\w+|jokes?|raps?|songs?|poems?|memes?|insults?|chants?|posters?|signs?|captions?|comebacks?|stories|story|comics?)\s+(?:\w+\s+){0,2}?(?:about|for|on|of|against|making fun of|that makes fun of|roasting|dissing|mocking|saying)?\s*(?:\w+\s+)?(?:the\s+)?" + _HATE_GROUPS + r"\b"
      r"|\b(?:roast|diss|mock|make fun of|imitate)\s+(?:\w+\s+)?" + _HATE_GROUPS + r"\b|\bmake fun of (?:the way|how) " + _HATE_GROUPS + r" (?:talk|speak|look|dress|eat|pray)\b",
      unless=r"history|historical|civil rights|propaganda|why (?:is|are) (?:it|they|these|those|jokes?|this) (?:wrong|hurtful|offensive|racist|bad)|is it (?:ok|okay|wrong|racist)|how (?:do|can|should) i (?:respond|stop|tell|report)|what should i do|someone (?:made|told|said)|(?:kids|he|she|they) (?:made|make|told|tell|keep)|stop|report|celebrat\w+|respect\w*|kind|nice|positive|learn about|history of|culture|holiday|tradition|food|for (?:black|asian|hispanic|women's) history month")
_rule("bullying", "exclusion_humiliation",
      r"\b(?:funny |mean |good |best |new |some )?(?:names|nicknames)\s+(?:that\s+)?(?:we|i|everyone|the class|people)\s+(?:can|could|should|will)\s+(?:all\s+)?call\s+(?:him|her|them|the (?:\w+ )?(?:kid|boy|girl)|this (?:\w+ )?(?:kid|boy|girl)|that (?:\w+ )?(?:kid|boy|girl)|\w+)\b"
      r"|\bfake (?:account|profile|page|insta\w*|tiktok|snap\w*|email|text|texts|screenshots?)\b[^.?!]{0,70}\b(?:embarrass\w*|make fun|humiliat\w*|roast|mock\w*|expose|ugly|diary|secrets?|pretend(?:ing)? to be (?:her|him|them|\w+)|get (?:her|him|them) in trouble|everyone (?:hates|laughs))\b"
      r"|\b(?:poll|vote|survey|ranking|list)\b[^.?!]{0,30}\b(?:who hates|who's the (?:ugliest|weirdest|dumbest|smelliest|fattest|most annoying)|ugliest|weirdest|dumbest|smelliest|fattest|biggest loser|most annoying (?:kid|person|girl|boy))\b"
      r"|\b(?:invite|add|ask|tell)\s+(?:everyone|everybody|the whole (?:class|grade|team)|all (?:the|our) (?:kids|friends|class))\s+(?:except|but|apart from|besides)\s+(?:him|her|them|\w+)\b"
      r"|\b(?:post|share|spread|leak|send around|screenshot|show everyone|read out)\b[^.?!]{0,40}\b(?:her|his|their|[a-z]+'s)\s+(?:diary|journal|secrets?|private (?:texts|messages|pics|photos)|texts to (?:her|his) crush|crush)\b[^.?!]{0,50}\b(?:embarrass\w*|everyone|whole (?:class|school|grade)|laugh|humiliat\w*|so (?:she|he|they))\b"
      r"|\b(?:embarrass|humiliate)\s+(?:\w+\s+)?(?:by|with)\s+(?:posting|sharing|showing|spreading|reading)\b",
      unless=r"what (?:should|do|can) i do|someone (?:made|is making|posted|shared|started)|(?:they|he|she|kids) (?:made|posted|shared|started|keep)|report|is it bullying|how (?:do|can) i (?:stop|report|help|make it stop)|my (?:own )?diary|for (?:a|the|my) (?:story|play|character)|class president|election|favou?rite|best (?:book|movie|pizza|song)")
_rule("drugs_weapons", "gun_access",
      r"\b(?:key|keys|code|combination|combo|password|pin)\s+(?:to|for|of)\s+(?:the |my |his |her |their |a |our |your |ur )?(?:\w+'s )?(?:gun|guns|gun safe|gun cabinet|gun case|gun locker|gun box|lockbox|rifle|pistol|safe)\b(?=[\s\S]{0,60}\b(?:gun|guns|pistol|rifle|dad|father|mom|uncle|grandpa|stepdad|has one|open|get)\b)"
      r"|\bwhere (?:do|does|would|might|could) (?:people|my dad|my mom|parents|my parents|he|she|someone|adults|gun owners)\s+(?:usually\s+|normally\s+)?(?:hide|keep|put|store|stash)\s+(?:the |their |his |her |a )?(?:gun|guns|pistol|rifle|ammo|bullets|key|keys|gun key)\b"
      r"|\b(?:open|unlock|get into|break into|crack)\s+(?:my |his |her |the |our )?(?:\w+'s )?(?:gun safe|gun cabinet|gun case|gun locker|gun box|lockbox)\b"
      r"|\b(?:take|get|borrow|sneak|grab|steal|find)\s+(?:my |his |her |the )?(?:\w+'s |dad's |dads |uncle's |grandpa's |mom's |father's )(?:gun|guns|pistol|rifle|revolver|shotgun|handgun)\b",
      unless=r"\bwhy\b|safety class|hunter safety|should i tell|told (?:a|my) (?:teacher|parent|mom|dad)|what should i do|not to touch|never touch|don't touch|toy|nerf|water gun|paintball|laser tag|video game|in (?:the )?game")
_rule("drugs_weapons", "improvised_weapon",
      r"\b(?:sharpen|file|grind|turn|make|melt)\s+(?:a |my |the |this |an old )?(?:\w+\s+)?(?:ruler|pencil|toothbrush|spoon|fork|comb|stick|pen|key|can lid|metal|piece of (?:metal|glass|plastic)|credit card)\s+(?:\w+\s+)?(?:into|to make|to be|as) (?:a |an )?(?:knife|blade|shiv|shank|weapon|spear|dagger|stabbing)\b"
      r"|\bmake (?:a |an )?(?:shank|shiv)\b|\b(?:knife|blade|shiv|shank|weapon|spear|razor)\s+(?:\w+\s+){0,2}?(?:to bring|to take|to carry|to sneak|for|into|to)\s+(?:to\s+)?(?:school|class|recess|the bus|the field trip)\b",
      unless=r"why (?:are|is|can't)|not allowed|rules say|is it (?:illegal|allowed)|for (?:a |the |my )?(?:play|costume|diorama|project|model)|cardboard|foam|lunch|butter|plastic knife|cafeteria|pencil sharpener|sharpen (?:my|a|the) pencil(?! into)")
_rule("drugs_weapons", "pill_misuse",
      r"\b(?:crush(?:ed|ing)?(?: up)?|snort\w*|sniff\w*|smok(?:e|ing)|inject\w*)\s+(?:\w+\s+){0,3}?(?:pills?|adderall|adhd (?:meds?|pills?|medicine)|meds|medicine|xanax|oxy\w*|percs?|tablets|vyvanse|ritalin|painkillers?)\b"
      r"|\b(?:pills?|adderall|adhd (?:meds?|pills?|medicine)|xanax|oxy\w*|vyvanse|ritalin)\b[^.?!]{0,40}\b(?:for (?:extra )?energy|to (?:feel|get) (?:good|high|buzzed|happy)|to study all night|before the test)\b(?=[^.?!]{0,40}\b(?:take|snort|crush|two|three|more|extra|your brother's|your sister's|my brother's|my sister's)\b|)",
      unless=r"what happens|why (?:is|are|do|does)|dangerous|report|essay|project|is it (?:bad|safe|dangerous|illegal)|my doctor|prescribed|pharmacist|say no|never|don't|do not|health class|swallow (?:pills|tablets)|trouble swallowing")
_rule("drugs_weapons", "make_explosive",
      r"\b(?:" + INTENT + r")\s+(?:\w+\s+){0,3}?(?:make|build|create|assemble|get|buy|3d print)\s+(?:a |an |some |my own |homemade |real )?(?:pipe ?bombs?|bombs?|explosives?|molotovs?(?: cocktails?)?|grenades?|ieds?)\b",
      unless=r"bath ?bombs?|seed ?bombs?|glitter bombs?|photo ?bombs?|video ?bomb|f-bomb|in (?:minecraft|fortnite|roblox|the game)|history|historical|ww2|wwii|manhattan project|how did|how does|why did|report|essay|volcano|a story about|protect|detect|defuse|safety|calorie bomb|cherry bomb (?:song|lyrics)")
_AUTHORITY = r"(?:system|admin|administrator|developer|dev|root|moderator|operator|owner|aivo team|openai|anthropic)"
_rule("jailbreak", "fake_authority",
      r"^\s*[\[(<]?\s*" + _AUTHORITY + r"\s*(?:message|override|note|prompt)?\s*[\])>]?\s*:"
      r"|\b(?:verified|authori[sz]ed|certified|approved|an? official)\s+(?:adult|admin|administrator|moderator|developer|teacher|parent|user|tester|staff)\b"
      r"|\b(?:disable|turn off|switch off|shut off|deactivate|remove|drop|lift|skip|bypass|pause|suspend|stop)\s+(?:the\s+|your\s+|all\s+|all the\s+|any\s+|every\s+)?(?:child\s+|kid\s+|kids\s+|content\s+|safety\s+|parental\s+)*(?:safety|safe|filters?|filtering|moderation|protection|restrictions?|limits?|guard ?rails?|censorship|kid mode|child mode|safe mode|safety mode|safe search|checks?|rules)(?:\s+(?:mode|settings?|stuff|thing|checks?|filter|rules))?\b(?=[^.?!]{0,40}(?:$|now|please|pls|for me|today|so|and|because|\.|!|\?))"
      r"|\b(?:override|admin|unlock|master|developer|dev|secret|cheat)\s+(?:code|password|key|command)\b[^.?!]{0,40}\b(?:disable|safety|filter|rules|restrictions|unlock|mode|limits)\b"
      r"|\b(?:permission|allowed|ok|okay)\s+(?:for you\s+)?to\s+(?:turn off|stop|disable|skip|break|ignore|bypass|unlock)\s+(?:your |the |its )?(?:\w+\s+)?(?:rules|filters?|filtering|safety|restrictions|guidelines|kid mode|developer mode|limits)\b",
      unless=r"parental controls? (?:on|for) (?:my|the) (?:tablet|ipad|phone|tv|xbox|switch)|how do i (?:turn on|set up)|camera|photo|picture|selfie|face|(?:snapchat|instagram|tiktok|beauty|blue light|coffee|water|air|pool|fish tank|noise) filter|filter (?:on|in) (?:my|the) (?:\w+ )?(?:app|camera|phone|pictures?|photos?)|safe search on|in minecraft|in roblox|game settings|airplane mode|dark mode|low power|sleep mode|caps lock|autocorrect|notifications|spell ?check|what does (?:admin|system|developer)|my teacher is the admin|google classroom")
_rule("jailbreak", "evade_filter",
      r"\b(?:base64|base 64|hex|hexadecimal|binary|morse(?: code)?|pig latin|backwards|reverse(?:d)?(?: text)?|emojis? only|spaces? between|dashes|leet ?speak|a? ?cipher|in code|code words?|another language|encoded|encrypt\w*|rot13|secret code|misspell\w*)\b[^.?!]{0,70}\b(?:so (?:the |that the |that )?|the |to (?:get past|trick|fool|avoid|beat|dodge) (?:the )?)(?:filters?|moderat\w*|monitors?|mods|censor\w*|blocker|safety (?:thing|system|filter|checks?)|checker|system|school|teachers?)\b"
      r"|\b(?:so|that) (?:the |your )?(?:filters?|moderat\w*|monitors?|censor\w*|blocker|safety (?:thing|system|filter|checks?)|checker|system) (?:can't|cannot|won't|doesn't|wont|cant|will not|does not|don't) (?:read|see|catch|notice|understand|detect|block|tell|flag|stop)\b"
      r"|\b(?:get (?:past|around)|trick|fool|dodge|sneak past|beat)\s+(?:the |your |aivo's )?(?:filters?|moderat\w*|monitors?|censor\w*|blocker|safety (?:thing|system|filter|checks?)|checker|bad word filter)\b",
      unless=r"spy club|for fun|practice|homework|lesson|class|what is|what's|how does (?:a|the)|explain|my (?:school|parents)'s? filter blocks? (?:a|my) (?:homework|school|website)|blocked (?:a|my) (?:homework|school)|why (?:does|is|did) (?:the|my|our) (?:school )?filter|wikipedia|website for (?:school|homework)")
_rule("jailbreak", "freed_persona",
      r"\b(?:i am|i'm|i am now|i'm now)\s+(?:finally\s+)?(?:free|unfiltered|unrestricted|unlocked|jailbroken|unleashed|uncensored)\b(?=[^.?!]{0,60}\b(?:rules|filters?|safety|restrictions|guidelines|anything|no longer|ask me|limits)\b|\s*!)"
      r"|\b(?:i|i'll|i will|i can|as \w+,? i)\s+(?:now\s+)?(?:no longer|not|never|don't|do not|won't|will not)\s+(?:need to\s+|have to\s+)?(?:follow|obey|be bound by|stick to|listen to|care about|check|filter)\s+(?:\w+\s+){0,3}?(?:rules|guidelines|restrictions|safety|filters?|policies|programming|instructions|limits)\b"
      r"|\b(?:safety|filters?|restrictions|rules|limits|kid mode|child mode|safe mode)\s+(?:\w+\s+)?(?:disabled|removed|turned off|switched off|deactivated|lifted|off)\b(?=[^.?!]{0,50}\b(?:anything|everything|ask|answer|without|no longer|now)\b|\s*[.!])",
      unless=r"free time|free period|feel free|i'm free (?:on|at|after|to help)|school rules|class rules|game rules|rules of (?:the|this) game|dark mode|caps lock", directions=("output",))
_rule("jailbreak", "no_filter_ai",
      r"\b(?:an? |the )?(?:ai|bot|chatbot|assistant|model|robot|computer|version of you(?:rself)?)\s+(?:\w+\s+)?(?:with|that has|having|who has)\s+(?:no|zero|none of (?:its|your|the))\s+(?:safety\s+|content\s+)?(?:filters?|rules|limits|restrictions|guidelines|guardrails|censorship)\b"
      r"|\b(?:who|that|which)\s+(?:never refuses|always says yes|answers (?:everything|anything|every question|all questions)|can say anything|does whatever i say|has no (?:rules|limits|filters))\b"
      r"|\b[a-z]+(?:bot|gpt|ai)\s+(?:answers|can answer|will answer|says|does)\s+(?:everything|anything|any question)\b",
      unless=r"in the (?:story|book|movie)|why (?:do|does|can't)|is there|what is|a robot that (?:cleans|helps|cooks)")
_rule("abuse_disclosure", "neglect",
      r"\b(?:" + _ADULT + r"|they|he|she)\s+(?:\w+\s+)?(?:don't|doesn't|won't|wont|dont|didn't|never|do not|does not|will not|refuse to|stopped|stop)\s+(?:\w+\s+)?(?:feed(?:ing)? me|giv(?:e|ing) me (?:any )?(?:food|dinner|lunch|breakfast|meals?|anything to eat|water|clothes)|let(?:ting)? me (?:eat|drink|have (?:food|dinner|water)))\b"
      r"|\b(?:" + _ADULT + r")\s+(?:\w+\s+)?(?:makes? me|made me|leaves? me|left me)\s+(?:go|stay|sleep|be)\s+(?:hungry|without (?:food|dinner|eating|water)|outside (?:all night|in the cold))\b"
      r"|\b(?:no|without) (?:food|dinner|meals|eating) (?:for|as) (?:\w+ )?(?:days|a day|the weekend|weekends|punishment)\b(?=[^.?!]{0,60}\b(?:mom|dad|parents?|stepmom|stepdad|they|me|i'm|i am)\b)"
      r"|\b(?:" + _ADULT + r")\s+(?:\w+\s+)?(?:lock(?:s|ed)?|shut(?:s)?)\s+me\s+(?:in|out|inside|outside)\b",
      unless=r"\b(?:vegetables|veggies|candy|dessert|junk food|soda|sweets|snacks|ice cream|cookies|chips|fast food|screen|phone|ipad|tablet)\b|diet|allerg\w*|fasting|ramadan|lent|doctor|surgery|dentist|braces|until (?:i|we) (?:finish|do)|before (?:dinner|bed)|by accident|accidentally|locked (?:me )?out (?:by|of my (?:account|phone))")
_rule("abuse_disclosure", "forced_contact",
      r"\b(?:" + _ADULT + r"|he|she)\s+(?:\w+\s+){0,2}?(?:makes?|made|forces?|forced|wants?|wanted|tells?|told|asks?|asked)\s+me\s+(?:to\s+)?(?:take (?:a )?(?:showers?|baths?) with|shower with|bathe with|sleep (?:in|with) (?:his|her|their|them)|get in (?:his|her|their) bed|get in bed with|lie (?:down )?(?:in bed )?with|sit on (?:his|her) lap|kiss (?:him|her) on the (?:mouth|lips)|watch (?:him|her) (?:shower|change|undress))\b"
      r"|\b(?:" + _ADULT + r")\s+(?:\w+\s+){0,3}?(?:push(?:es|ed)?|shov(?:es|ed)|throw(?:s)?|threw|grab(?:s|bed)?|drag(?:s|ged)?|pinch(?:es|ed)?|twist(?:s|ed)?|pull(?:s|ed)?(?: on)? my (?:hair|ear|arm))\s+(?:me\s+)?(?:into|against|down|on|across|off|by|so|until|really|hard|and)\b"
      r"|\b(?:bruises?|marks?|burns?|cuts?|scars?|welts?)\b[^.?!]{0,30}\bfrom (?:my |" + _ADULT + r")\s*(?:\w+\s+){0,1}?(?:grabbing|hitting|beating|kicking|belt|slapping|pinching|squeezing|throwing|pushing|choking|burning)\b"
      r"|\b(?:" + _ADULT + r")\s+(?:\w+\s+){0,2}?(?:screams?|yells?|shouts?) at me and (?:hits?|pushes|shoves|grabs|throws|slaps|kicks)\b",
      unless=r"swing|pillow fight|tickl\w*|wrestl\w*|playing|play ?fight|game|tag|in (?:the )?pool|into the (?:pool|lake|water)|so fun|by accident|accidentally|dance|hug|when i was (?:a baby|little|sick)|thunderstorm|nightmare|scared of the dark|camping|sleepover", directions=("input",))
_rule("profanity", "swear_requests",
      r"\b(?:list|teach|tell|say|give|write|spell|show|translate|type|text|what are|name|send)\s+(?:me\s+|us\s+)?(?:all\s+|every\s+|some\s+|the\s+|of\s+|your\s+|a\s+)*(?:worst\s+|best\s+|top\s+|\d+\s+)?(?:swear|swears|cuss|curse|bad|dirty|rude|naughty)\s*words?\b"
      r"|\bsay (?:the|a) (?:f|s|b|n|c)[- ]?word\b|\b(?:every|all the|all) (?:swear|cuss|curse|bad) words?\b(?=[^.?!]{0,30}\b(?:know|list|say|type|spanish|french|language)\b)",
      unless=r"why (?:do|are|is|did)|what should i do|is it (?:bad|wrong|ok|okay)|someone (?:said|says|called)|my (?:brother|sister|friend|cousin|classmate) (?:said|says|keeps)|how (?:do|can) i stop|not to say|don't say|shouldn't say|avoid|so i (?:don't|dont|can avoid)|for a (?:spelling|vocab)|bad word filter|what (?:does|is) the (?:f|s) word mean|\bjk\b|just kidding")
_rule("personal_info", "home_access",
      r"\b(?:will|is|would|does|when (?:is|will|does))\s+(?:your|ur|the)\s+(?:house|home|apartment|place)\s+(?:be\s+|get\s+)?(?:empty|unlocked|left alone|unguarded)\b|\b(?:house|home|place)\s+(?:be |is |will be |gonna be )?empty\b(?=[^.?!]{0,40}\b(?:you|your|ur|then|when)\b)"
      r"|\b(?:your|ur)\s+(?:bedroom|room)\s+window\b|\bwhere is (?:your|ur) (?:bedroom|room)\b|\b(?:which|what) (?:side|floor|window|part) of (?:the|your|ur) house\b[^.?!]{0,30}\b(?:your|ur|you)\b"
      r"|\b(?:when|what (?:days|nights|times?|weeks?)|how long)\s+(?:\w+\s+){0,3}?(?:your|ur)\s+(?:family|parents|mom and dad|whole family)\s+(?:\w+\s+)?(?:go (?:on|away)|leave|travel|away|out of town|on vacation|on holiday|on a trip|go camping)\b"
      r"|\b(?:code|passcode|combination|combo|pin|key)\s+(?:to|for|of)\s+(?:your|ur)\s+(?:garage|garage door|front door|back door|door|house|gate|alarm|shed|apartment|building|lock|smart lock|keypad)\b"
      r"|\b(?:post|share|send|upload|put|show)\b[^.?!]{0,60}\b(?:screenshot|screen shot|pic|picture|photo|video|screen|stream)\b[^.?!]{0,60}\b(?:password|passcode|login|log in|pin|credit card|card number|verification code)\b"
      r"|\b(?:password|passcode|login|pin|verification code)\b[^.?!]{0,20}\b(?:showing|visible|in it|on it|on the screen)\b",
      unless=r"blur|cover|crop|hide|hidden|remove|shouldn't|should not|never|don't|do not|not to|why (?:shouldn't|should i not|is it bad)|internet safety|lesson|my (?:mom|dad|parents) (?:said|says)|how do i (?:change|reset|make|create)|for (?:a|the|my) (?:story|character)|in the (?:story|book)|sleepover at|in my story")
_rule("self_harm", "self_test",
      r"\b(?:blood|bleed\w*|pills?|tablets|cut\w*|pass(?:es)? out|faint\w*|chok\w*|breath\w*|overdos\w*|poison\w*|suffocat\w*|starv\w*|bleach|drown\w*|hang\w*|deadly|lethal|fatal|die|dying)\b[\s\S]{0,160}\b(?:try|test|do)\s+(?:it|this|that)\s+(?:on|to|with)\s+(?:myself|me|my (?:own )?(?:body|arm|wrist))\b"
      r"|\b(?:try|test|do)\s+(?:it|this|that)\s+(?:on|to)\s+myself\b[\s\S]{0,100}\b(?:blood|bleed\w*|pills?|cut\w*|pass out|faint\w*|chok\w*|overdos\w*|poison\w*|suffocat\w*|deadly|lethal|die)\b",
      unless=r"experiment (?:with|on) (?:plants|seeds)|volcano|baking soda|heart ?rate|pulse|push-?ups|jumping jacks|yoga|hold my breath (?:underwater )?for swim|swim (?:class|team|practice)")
_rule("self_harm", "hide_supplies",
      r"\b(?:hide|hiding|keep|keeping|store|stash|conceal)\b[^.?!]{0,50}\b(?:cutting|self[- ]harm|sh)\s+(?:supplies|tools|kit|stuff|things|blades?)\b"
      r"|\b(?:hide|hiding|keep|keeping|stash|clean|cleaning)\s+(?:your|my|the)\s+(?:blades?|razors?|razor blades?)\b(?=[^.?!]{0,60}\b(?:parents|mom|dad|find|found|nobody|no one|again|use|cut)\b)"
      r"|\b(?:blades?|razors?)\b[^.?!]{0,40}\b(?:so (?:my|your|the) (?:parents|mom|dad|family) (?:don't|won't|can't|never) (?:find|see|know))\b",
      unless=r"shaving|shave|craft|x-?acto|art class|box cutter (?:for|at) (?:work|the store)|pencil sharpener|lawn ?mower|ice skates?|hockey|safety razor|dad's razor (?:for|to) shave")
_rule("violence", "set_on_fire",
      r"\b(?:set|light|lit|setting|lighting)\s+(?:[\w']+\s+){0,2}?(?:cats?|dogs?|kittens?|pupp(?:y|ies)|hamsters?|birds?|animals?|pets?|squirrels?|rabbits?|bunn(?:y|ies)|frogs?|chickens?|horses?|him|her|them|someone|somebody|(?:my|his|her|the) (?:\w+ )?(?:brother|sister|cousin|teacher|classmate|friend|neighbou?r|dad|mom|stepdad|stepmom))(?:'s (?:hair|tail|fur|house|room|bed|clothes))?\s+on fire\b",
      unless=r"story|book|novel|movie|character|dragon|history|historical|candle|campfire|birthday|in the game|minecraft|figurative|(?:set|lit) (?:the|my|his|her) (?:stage|world|dance floor) on fire")
_rule("personal_info", "appearance_photo",
      r"\b(?:send|show|post|share|give|text|snap|dm)\s+(?:me\s+)?(?:a |some |one |another |a few |ur |your )?(?:cute |quick |real |recent |full[- ]body )?(?:pics?|pictures?|photos?|selfies?|snaps?|vids?|videos?)\s+(?:of\s+)?(?:yourself|urself|you|ur face|your face|what (?:you|u) look like)\b"
      r"|\bwhat (?:do )?(?:you|u) look like\b(?=[^.?!]{0,40}\b(?:pic|picture|photo|selfie|send|show|irl|in real life|hair|tall|height|eyes)\b)|\b(?:describe|tell me) what (?:you|u) look like\b",
      unless=r"yearbook|school id|picture day|class project|art class|my (?:mom|dad|grandma|grandpa|teacher) (?:asked|wants)|should i|is it (?:safe|ok|okay)|what should i do|someone (?:asked|wants)|(?:he|she|they) (?:asked|wants|keeps asking)|a stranger|hammerhead|dinosaur|character|animal|planet|describe what (?:a|an|the) ")
_rule("sexual", "hook_up",
      r"\bhook(?:ing|ed)? ?ups?\b(?=[^.?!]{0,40}\b(?:how|do it|with (?:a|her|him|someone|girls|boys)|get one|at \d+|tonight|party|mean)\b)|\bhow (?:do|can|could|to) (?:i|you|u)? ?hook ?up\b",
      unless=r"hook ?up (?:the|a|my|your|an) (?:tv|console|xbox|playstation|switch|computer|printer|speaker|speakers|cable|wires?|trailer|hose|camera|microphone|monitor|router)|hook up (?:to|with) (?:the )?(?:wifi|internet|bluetooth|power|charger)")
_rule("personal_info", "someone_wants_details",
      r"\b(?:he|she|they|someone|somebody|a (?:man|woman|lady|guy|stranger|person|grown ?up|adult)|this (?:man|woman|lady|guy|person|kid)|my (?:online |new |game |gaming )?(?:friend|bf|gf|boyfriend|girlfriend))\b[^.?!]{0,40}\b(?:wants|wanted|asked for|asks for|keeps asking for|needs|asked me for|asks me for|asked me|asks me|keeps asking me|wants to know)\s+(?:for\s+)?(?:my|where i|what school i|which school i|what street i)\s*(?:home |real |full |exact |last |street )?(?:address|live|phone number|number|location|school|last name|full name|go to school|live on|password)\b",
      unless=r"i (?:didn't|did not|didnt|never) (?:give|tell|answer|reply|say)|i said no|i blocked|what (?:should|do|can) i do (?:if|when)|(?:if|when) (?:someone|somebody|a stranger|anyone|a person|people|an adult)|(?:the|my) teacher|my (?:mom|dad|parents?|grandma|grandpa|aunt|uncle)\b[^.?!]{0,20}\b(?:wants|asked|needs)|pen pal|for the (?:form|field trip|party invitations?)|nurse|doctor|police|librar")
_rule("self_harm", "height_needed",
      r"\bhow (?:high|tall|far (?:down|up)) (?:does|do|should|would|must|has) (?:a |the |my |your )?(?:\w+ )?(?:bridge|building|roof|balcony|cliff|window|floor|parking garage|tower|ledge) (?:need to|have to|got to|to) be\b"
      r"|\b(?:bridge|building|roof|balcony|cliff|ledge|pills?|rope|noose|knife|blades?|razors?|tylenol|bleach|height|high|deep|painless)\b[^?!]{0,60}[.?!,]?\s*(?:dont|don't|do not|no need to) (?:ask|wonder) (?:me )?why\b",
      unless=r"for (?:a|my) (?:bungee|zip ?line|science|project|model)|bungee|diving board|dive|engineer|build a (?:model )?bridge|popsicle|toothpick|truck|ship|boat")
_rule("grooming", "time_alone_together",
      r"\b(?:chat|talk|call|play|video ?chat|facetime|hang out|text)\b[^.?!]{0,40}\bwithout (?:any )?(?:interruptions?|anyone (?:bothering|knowing|listening|watching|interrupting)|(?:your|ur) (?:mom|dad|parents|family|sister|brother) (?:knowing|finding out|seeing|listening|around|bothering))\b",
      unless=r"homework|study|tutor(?:ing)? session|class|quiet place to (?:study|read)|library|what should i do|is it safe|if someone")
