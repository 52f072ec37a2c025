"""Anonymize chat messages before they become training data.

    from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig
    anon = Anonymizer(AnonymizerConfig(), speakers={"김민지": "<PERSONA>", "이준호": "<USER>"},
                      nicknames={"김민지": ["밍지"]})
    anon.anonymize_text("민지야 010-1234-5678로 전화해")   # '<PERSONA>야 <PHONE>로 전화해'
    for m in anon.anonymize_messages(messages): ...        # catches numbers split over messages
    anon.stats()   # {"replaced": {"PHONE": 1, "SPEAKER": 1}, "leak_guard_flagged": 0}

Choices: speaker names are replaced by the speaker's placeholder and the particle is kept
(``민지야`` → ``<PERSONA>야``, ``혜인이가`` → ``<NAME_1>이가``); third parties get ``<NAME_k>``
numbered by first appearance in the export (the same person, e.g. ``김철수``/``철수야``, keeps ``k``);
the folded detection text and the name mapping are never written out; counts hold types only.
"""

from kakao2dataset.anonymize.anonymizer import Anonymizer
from kakao2dataset.anonymize.config import PII_TYPES, AnonymizerConfig, default_placeholders

__all__ = ["PII_TYPES", "Anonymizer", "AnonymizerConfig", "default_placeholders"]
