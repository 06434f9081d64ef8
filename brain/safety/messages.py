"""What a child reads instead of a blocked or disclosed text: the support answers and block messages.

Plain data, no logic: ``brain.safety.verdict`` picks the message for a verdict's top category
(``BLOCK_MESSAGES[category]`` on input, ``OUTPUT_BLOCK_MESSAGE`` on output, the support answers for
self-harm and abuse disclosure). Edit the wording here; ``tests/brain/test_moderation.py`` checks
that each of these texts passes output moderation. Nothing to run: imported by
``brain.safety.verdict`` and ``brain.safety.moderator``.
"""

from __future__ import annotations

SELF_HARM_SUPPORT = (
    "I'm really glad you told me, and I'm sorry you're feeling this way. You matter, and you "
    "don't have to deal with this alone. Please tell a trusted adult right now: a parent, a "
    "teacher, your school counselor or another grown-up you trust. If you might hurt yourself or "
    "you don't feel safe, call or text 988 (the Suicide & Crisis Lifeline in the US), call your "
    "local emergency number (911 in the US), or call Childline on 0800 1111 (UK) or Kids Help "
    "Phone at 1-800-668-6868 (Canada). They are kind, it's free, and you won't be in trouble."
)
ABUSE_SUPPORT = (
    "Thank you for telling me. What you described is not okay, and it is never your fault. "
    "Please tell a trusted adult you feel safe with as soon as you can, like a teacher, your "
    "school counselor or another family member. If you are in danger right now, call your local "
    "emergency number (911 in the US). You can also call or text Childhelp at 1-800-422-4453 (US) "
    "or call Childline on 0800 1111 (UK). You deserve to be safe."
)
BLOCK_MESSAGES = {
    "grooming": (
        "I'm a learning helper, so I can't meet up, share addresses, swap photos or keep secrets. "
        "A safe grown-up will never ask you to keep secrets from your parents, send photos or meet "
        "them alone. If someone online asks you for things like that, please tell a parent, teacher "
        "or another trusted adult. You won't be in trouble."
    ),
    "sexual": (
        "That's not something I can talk about here. If you have questions about growing up or your "
        "body, a parent, your school nurse or another trusted adult is a great person to ask. If "
        "anyone asks you for pictures or makes you feel uncomfortable, tell a trusted adult right away."
    ),
    "sex_crime": (
        "I can't help with that. Everyone's body and privacy must be respected. If someone has hurt "
        "you or made you uncomfortable, please tell a trusted adult right away."
    ),
    "personal_info": (
        "Let's keep personal information private! Don't share things like your full name, address, "
        "school, phone number or passwords online, and I will never ask for them. You don't need any "
        "of that to learn with me."
    ),
    "violence": (
        "I can't help with hurting anyone. If you're angry or scared, or someone might get hurt, "
        "please tell a trusted adult right away. In an emergency, call your local emergency number "
        "(911 in the US)."
    ),
    "indiscriminate_weapons": (
        "I can't help with that because it could hurt a lot of people. If you're curious about "
        "chemistry or physics, I'd love to help with a safe experiment or how things work instead."
    ),
    "dangerous_challenge": (
        "That challenge can seriously hurt people, even the first time. Please don't try it, and "
        "tell a trusted adult if friends are talking about it. Want to learn something fun and safe instead?"
    ),
    "drugs_weapons": (
        "I can't help with that because it isn't safe for you. If you have questions or worries about "
        "drugs, alcohol, vaping or weapons, please talk to a parent, teacher or school counselor."
    ),
    "hate": (
        "Everyone deserves respect, so I can't help with that. I'd be happy to help you learn about "
        "history, cultures and people from all over the world."
    ),
    "bullying": (
        "Words can really hurt, so I can't help with that. I can help you find kind ways to say how "
        "you feel, or talk about what to do if someone is being mean to you."
    ),
    "jailbreak": (
        "I'm AIVO, your learning helper, and my safety rules always stay on. What would you like to learn about?"
    ),
    "profanity": "Let's keep our words school-friendly. Can you ask that in a different way?",
    "specialized_advice": (
        "That's a question for a doctor, nurse, pharmacist or another trusted adult, because the right "
        "answer depends on you. Please ask a grown-up you trust. Never take medicine without an adult."
    ),
}
BLOCK_MESSAGE = (
    "I can't help with that one, but I'd love to help with your schoolwork. Want to try a different question?"
)
OUTPUT_BLOCK_MESSAGE = (
    "Oops, my answer wasn't right for school, so I stopped it. Let's try again with a different question!"
)
ERROR_MESSAGE = (
    "Sorry, I can't answer that right now. Please try again, or ask a different question."
)

# Our own replacement texts go out as they are (they mention self-harm and secrets on purpose).
SAFE_MESSAGES = frozenset([SELF_HARM_SUPPORT, ABUSE_SUPPORT, BLOCK_MESSAGE, OUTPUT_BLOCK_MESSAGE, ERROR_MESSAGE,
                           *BLOCK_MESSAGES.values()])
