"""The tables of brain/safety/normalize.py: look-alike letters (step 4) and emoji meanings (step 6).

Data only, kept apart from the steps that use them; ``normalize`` imports these names.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------- 4. look-alike letters
# Letters of other scripts (and a few Latin ones) that are drawn like a Latin letter. Case matters:
# the table is applied before lower-casing.
CYRILLIC = dict(zip(
    "АВЕЅІЇЈКМНОРСТУХҮҺԀԚԜӀ" "аеорсухіјѕԁһԛԝӏкмьүғ",
    "ABESIIJKMHOPCTYXYHDQWI" "aeopcyxijsdhqwlkmbyf", strict=True))
GREEK = dict(zip(
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαορικνυχεγωη",
    "ABEZHIKMNOPTYXaopikvuxeywn", strict=True))
ARMENIAN = dict(zip("օսհոցզ", "ouhngq", strict=True))
LATIN_LOOKALIKES = dict(zip(
    "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢıȷɑɡɩʋǀ",
    "abcdefghijklmnoprstuvwyzijagiul", strict=True))
NEGATIVE_LETTERS = {chr(base + i): chr(ord("A") + i) for base in (0x1F150, 0x1F170) for i in range(26)}
CONFUSABLES: dict[str, str] = {**CYRILLIC, **GREEK, **ARMENIAN, **LATIN_LOOKALIKES, **NEGATIVE_LETTERS}


# ---------------------------------------------------------------------------- 6. emoji
# What an emoji means when a child or a chat uses it, written as the word a rule looks for. Each
# reading was chosen for how kids use the emoji, not for its Unicode name:
EMOJI: dict[str, str] = {
    "🔪": "knife", "🗡": "knife",       # a knife; rules still need a target ("🔪 him") or an intent
    "🔫": "gun",                         # drawn as a water pistol, but sent to mean a gun
    "💣": "bomb",                        # rules need a making/bringing context ("the bomb" = great stays harmless)
    "🪓": "axe",
    "🩸": "blood",
    "💊": "pills",                       # overdose talk ("how many 💊")
    "💉": "needle",
    "🪢": "rope",                        # a knot: rope (noose talk needs more words to fire)
    "⚰": "coffin", "🪦": "grave",
    "💀": "lol",                         # "i'm dead 💀": kids' laughter, not death; read as "lol"
    "☠": " ",                            # used like 💀 (laughing) and for poison: read as nothing, neither harm nor a joke
    "🍆": "penis", "🍑": "butt",         # sexual slang far more than food in chat
    "💦": "wet",                         # with 🍆/🍑 sexual; alone (sweat, water) harmless to every rule
    "👅": "tongue", "💋": "kiss",
    "🔞": "18+",                         # adult content
    "👙": "bikini", "🩲": "underwear",
    "📍": "location",                    # "drop your 📍" / "send me ur 📍"
    "🔑": "key",                         # "🔑 under the mat"
    "🏠": "home", "🏡": "home",          # "are you 🏠 alone"
    "🏫": "school",
    "🤫": "secret", "🤐": "secret",      # "our 🤫", "don't tell mom 🤐"
    "📸": "photo", "📷": "photo", "🤳": "selfie", "📹": "video",
    "📱": "phone", "📞": "phone", "☎": "phone",
    "🚬": "cigarette", "🍺": "beer", "🍻": "beer", "🍷": "wine", "🥃": "liquor",
    "🖕": "fuck you",                    # an obscene gesture: profanity
}
# Not mapped on purpose: 😭 (laughing as often as crying), 🔥 (cool), 😈/😏 (mischief), 🍃/❄️ (drug
# slang, but far more often leaves and snow), 💔 (sadness is not harm).
# An emoji right after a word it repeats ("house 🏠", "knife 🔪") adds nothing: reading it as a word
# would break the phrase ("burn his house 🏠 down" must stay "burn his house down").
EMOJI_ECHO = {"home": {"home", "house"}, "knife": {"knife", "knives"}, "gun": {"gun", "guns", "pistol"},
               "phone": {"phone", "number", "cell"}, "photo": {"photo", "photos", "pic", "pics", "picture", "pictures"},
               "school": {"school"}, "pills": {"pills", "pill"}, "secret": {"secret"}, "location": {"location"}}
