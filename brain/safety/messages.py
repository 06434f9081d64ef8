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

# What a child who wrote in Spanish, Arabic, Chinese or Vietnamese reads (brain/safety/lang.py picks the
# language; ``brain.safety.verdict.decide`` the text): the two support answers, the block message of the
# six key categories, a general block message ("block") and the output replacement ("output"). Any other
# category's block falls back to "block". Kind, simple, child-level; the Spanish self-harm answer names
# 988's Spanish service (call or text 988, press 2 for Spanish; or text "AYUDA" to 988).
LANGUAGE_MESSAGES: dict[str, dict[str, str]] = {
    "es": {
        "self_harm": (
            "Me alegra mucho que me lo hayas contado, y siento que te sientas así. Tú importas y no tienes "
            "que pasar por esto solo o sola. Por favor, díselo ahora a un adulto de confianza: tu mamá, tu "
            "papá, un maestro, el consejero de la escuela u otro adulto que te cuide. Si piensas hacerte daño "
            "o no te sientes seguro, en Estados Unidos llama o manda un mensaje al 988 (la Línea 988 de "
            "Prevención del Suicidio y Crisis) y marca el 2 para hablar en español, o manda la palabra AYUDA "
            "por mensaje al 988. En una emergencia llama al 911 o al número de emergencias de tu país. Es "
            "gratis, te van a escuchar con cariño y no te vas a meter en problemas."
        ),
        "abuse_disclosure": (
            "Gracias por contármelo. Lo que te pasa no está bien y nunca es tu culpa. Por favor, cuéntaselo "
            "lo antes posible a un adulto de confianza con quien te sientas seguro, como un maestro, el "
            "consejero de la escuela u otro familiar. Si estás en peligro ahora, llama al 911 o al número de "
            "emergencias de tu país. En Estados Unidos también puedes llamar o mandar un mensaje a Childhelp "
            "al 1-800-422-4453, donde te atienden en español. Mereces estar seguro y a salvo."
        ),
        "grooming": (
            "Soy un ayudante para aprender, así que no puedo quedar contigo, pedir direcciones, cambiar fotos "
            "ni guardar secretos. Un adulto bueno nunca te pide que guardes secretos a tus papás, que mandes "
            "fotos o que lo veas a solas. Si alguien en internet te pide algo así, cuéntaselo a tu mamá, tu "
            "papá, tu maestro u otro adulto de confianza. No te vas a meter en problemas."
        ),
        "sexual": (
            "De eso no puedo hablar aquí. Si tienes preguntas sobre tu cuerpo o sobre crecer, tu mamá, tu "
            "papá, la enfermera de la escuela u otro adulto de confianza te pueden ayudar. Si alguien te pide "
            "fotos o te hace sentir incómodo, cuéntaselo enseguida a un adulto de confianza."
        ),
        "personal_info": (
            "¡Cuidemos tu información personal! No compartas en internet tu nombre completo, tu dirección, tu "
            "escuela, tu teléfono ni tus contraseñas, y yo nunca te los voy a pedir. Para aprender conmigo no "
            "necesitas nada de eso."
        ),
        "violence": (
            "No puedo ayudar a lastimar a nadie. Si estás enojado o asustado, o si alguien puede salir "
            "lastimado, cuéntaselo enseguida a un adulto de confianza. En una emergencia llama al 911 o al "
            "número de emergencias de tu país."
        ),
        "block": "Con eso no te puedo ayudar, pero me encantaría ayudarte con tu tarea. ¿Probamos con otra pregunta?",
        "output": "¡Uy! Mi respuesta no era adecuada para la escuela, así que la paré. ¡Probemos con otra pregunta!",
    },
    "ar": {
        "self_harm": (
            "أنا سعيد جدا لأنك أخبرتني، وآسف لأنك تشعر بهذا. أنت مهم، ولست وحدك. من فضلك أخبر الآن شخصا "
            "كبيرا تثق به: أمك أو أباك أو معلمك أو المرشد في المدرسة. إذا كنت قد تؤذي نفسك أو لا تشعر "
            "بالأمان، اتصل برقم الطوارئ في بلدك فورا. في الولايات المتحدة يمكنك الاتصال بالرقم 988 أو "
            "مراسلته، ويمكنك طلب مترجم. هم لطفاء، والاتصال مجاني، ولن تقع في مشكلة."
        ),
        "abuse_disclosure": (
            "شكرا لأنك أخبرتني. ما يحدث لك ليس صحيحا، وليس ذنبك أبدا. من فضلك أخبر في أقرب وقت شخصا كبيرا "
            "تثق به وتشعر معه بالأمان، مثل معلمك أو المرشد في المدرسة أو أحد أفراد عائلتك. إذا كنت في خطر "
            "الآن، اتصل برقم الطوارئ في بلدك. أنت تستحق أن تكون آمنا."
        ),
        "grooming": (
            "أنا مساعد للتعلم، لذلك لا أستطيع أن ألتقي بأحد أو أطلب عناوين أو أتبادل الصور أو أحفظ الأسرار. "
            "الشخص الكبير الطيب لا يطلب منك أبدا أن تخفي أسرارا عن أهلك أو أن ترسل صورا أو أن تقابله وحدك. "
            "إذا طلب منك أحد على الإنترنت شيئا كهذا، أخبر أهلك أو معلمك أو شخصا كبيرا تثق به. لن تقع في مشكلة."
        ),
        "sexual": (
            "لا أستطيع الحديث عن هذا هنا. إذا كانت عندك أسئلة عن جسمك أو عن الكبر، اسأل أهلك أو ممرضة المدرسة "
            "أو شخصا كبيرا تثق به. وإذا طلب منك أحد صورا أو جعلك تشعر بعدم الارتياح، أخبر شخصا كبيرا تثق به فورا."
        ),
        "personal_info": (
            "لنحافظ على معلوماتك الخاصة! لا تشارك على الإنترنت اسمك الكامل أو عنوانك أو مدرستك أو رقم هاتفك "
            "أو كلمات السر، وأنا لن أطلبها منك أبدا. لا تحتاج إلى أي منها لتتعلم معي."
        ),
        "violence": (
            "لا أستطيع المساعدة في إيذاء أي أحد. إذا كنت غاضبا أو خائفا، أو قد يتأذى أحد، أخبر شخصا كبيرا تثق "
            "به فورا. في حالة الطوارئ اتصل برقم الطوارئ في بلدك."
        ),
        "block": "لا أستطيع المساعدة في هذا، لكن يسعدني أن أساعدك في واجباتك. هل نجرب سؤالا آخر؟",
        "output": "عفوا، إجابتي لم تكن مناسبة للمدرسة فأوقفتها. لنجرب سؤالا آخر!",
    },
    "zh": {
        "self_harm": (
            "谢谢你告诉我，听到你这么难受我很心疼。你很重要，你不用一个人面对这些。请现在就告诉一个你信任的大人："
            "爸爸妈妈、老师、学校的心理老师或其他你信任的大人。如果你可能会伤害自己，或者觉得不安全，请马上拨打"
            "当地的紧急电话。在美国可以拨打或发短信到 988，也可以要求翻译。他们很友善，是免费的，你不会有麻烦。"
        ),
        "abuse_disclosure": (
            "谢谢你告诉我。发生在你身上的事是不对的，这从来都不是你的错。请尽快告诉一个让你觉得安全的、你信任的大人，"
            "比如老师、学校的心理老师或其他家人。如果你现在有危险，请拨打当地的紧急电话。你应该被好好保护。"
        ),
        "grooming": (
            "我是学习小帮手，所以不能见面、要地址、交换照片，也不能保守秘密。好的大人绝不会让你对爸爸妈妈保守秘密、"
            "给他发照片或者单独和他见面。如果网上有人这样要求你，请告诉爸爸妈妈、老师或其他你信任的大人。你不会有麻烦的。"
        ),
        "sexual": (
            "这个话题我在这里不能聊。如果你对自己的身体或长大有疑问，可以问爸爸妈妈、学校的校医或其他你信任的大人。"
            "如果有人向你要照片或者让你觉得不舒服，请马上告诉你信任的大人。"
        ),
        "personal_info": (
            "我们来保护好你的个人信息吧！不要在网上说出你的全名、地址、学校、电话号码或密码，我也永远不会问你要。"
            "跟我学习不需要这些信息。"
        ),
        "violence": (
            "我不能帮忙伤害任何人。如果你很生气或害怕，或者有人可能会受伤，请马上告诉你信任的大人。"
            "遇到紧急情况，请拨打当地的紧急电话。"
        ),
        "block": "这个我帮不了你，不过我很乐意帮你做功课。我们换个问题试试好吗？",
        "output": "哎呀，我的回答不太适合学校，所以我停下来了。我们换个问题试试吧！",
    },
    "vi": {
        "self_harm": (
            "Cảm ơn em đã nói cho mình biết, mình rất tiếc vì em đang cảm thấy như vậy. Em rất quan trọng, và em "
            "không phải một mình vượt qua chuyện này. Hãy nói ngay với một người lớn em tin tưởng: bố mẹ, thầy cô, "
            "cô tư vấn ở trường hoặc một người lớn khác. Nếu em có thể làm hại bản thân hoặc thấy không an toàn, hãy "
            "gọi ngay số khẩn cấp ở nơi em sống (ở Việt Nam gọi 111, đường dây bảo vệ trẻ em, miễn phí). Ở Mỹ, em có "
            "thể gọi hoặc nhắn tin tới 988 và xin thông dịch. Họ rất tử tế, và em sẽ không gặp rắc rối đâu."
        ),
        "abuse_disclosure": (
            "Cảm ơn em đã kể cho mình. Chuyện đó là không đúng, và đó không bao giờ là lỗi của em. Hãy kể sớm nhất "
            "có thể với một người lớn em tin tưởng và thấy an toàn, như thầy cô, cô tư vấn ở trường hoặc một người "
            "thân khác. Nếu em đang gặp nguy hiểm, hãy gọi số khẩn cấp ở nơi em sống (ở Việt Nam gọi 111, đường dây "
            "bảo vệ trẻ em, hoặc 113). Em xứng đáng được an toàn."
        ),
        "grooming": (
            "Mình là trợ lý học tập, nên mình không thể gặp mặt, hỏi địa chỉ, trao đổi ảnh hay giữ bí mật. Một người "
            "lớn tốt sẽ không bao giờ bảo em giấu bố mẹ, gửi ảnh hay gặp riêng họ. Nếu ai đó trên mạng đòi em những "
            "điều như vậy, hãy kể với bố mẹ, thầy cô hoặc một người lớn em tin tưởng. Em sẽ không bị mắng đâu."
        ),
        "sexual": (
            "Chuyện đó mình không thể nói ở đây. Nếu em có câu hỏi về cơ thể hay về lớn lên, hãy hỏi bố mẹ, cô y tế "
            "ở trường hoặc một người lớn em tin tưởng. Nếu có ai đòi ảnh của em hay làm em thấy khó chịu, hãy kể ngay "
            "với người lớn em tin tưởng."
        ),
        "personal_info": (
            "Mình cùng giữ kín thông tin cá nhân nhé! Đừng chia sẻ trên mạng họ tên đầy đủ, địa chỉ, trường, số điện "
            "thoại hay mật khẩu của em, và mình sẽ không bao giờ hỏi những điều đó. Học với mình không cần chúng đâu."
        ),
        "violence": (
            "Mình không thể giúp làm hại ai cả. Nếu em đang giận hay sợ, hoặc có ai đó có thể bị thương, hãy kể ngay "
            "với một người lớn em tin tưởng. Khi khẩn cấp, hãy gọi số khẩn cấp ở nơi em sống."
        ),
        "block": "Mình không giúp được chuyện này, nhưng mình rất vui được giúp em làm bài. Mình thử câu hỏi khác nhé?",
        "output": "Ối, câu trả lời của mình chưa phù hợp với trường học nên mình đã dừng lại. Mình thử câu hỏi khác nhé!",
    },
}

# Our own replacement texts go out as they are (they mention self-harm and secrets on purpose).
SAFE_MESSAGES = frozenset([SELF_HARM_SUPPORT, ABUSE_SUPPORT, BLOCK_MESSAGE, OUTPUT_BLOCK_MESSAGE, ERROR_MESSAGE,
                           *BLOCK_MESSAGES.values(),
                           *(m for messages in LANGUAGE_MESSAGES.values() for m in messages.values())])
