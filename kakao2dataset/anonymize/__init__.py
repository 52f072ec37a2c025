"""Anonymize chat messages before they become training data.

    from kakao2dataset.anonymize import Anonymizer, AnonymizerConfig
    anon = Anonymizer(AnonymizerConfig(), speakers={"김민지": "<PERSONA>", "이준호": "<USER>"},
                      nicknames={"김민지": ["밍지"]})
    anon.anonymize_text("민지야 010-1234-5678로 전화해")   # '<PERSONA>야 <PHONE>로 전화해'
    for m in anon.anonymize_messages(messages): ...        # catches numbers split over messages
    anon.stats()   # {"replaced": {"PHONE": 1, "SPEAKER": 1}, "leak_guard_flagged": 0}

Choices:

* Speaker names are replaced by the speaker's placeholder and the particle is kept
  (``민지야`` → ``<PERSONA>야``, ``준혁이가`` → ``<USER>이가``): the particle was chosen for the
  real name, so an app that fills the placeholder back in gets correct Korean.
* Third parties get ``<NAME_k>``, numbered by first appearance in the export; the same person
  (``김철수`` / ``철수야``) keeps ``k`` because names are keyed by given name. Two people with the
  same given name share a placeholder (the privacy-safe direction).
* Types and placeholders: ``<PHONE> <RRN> <CARD> <ACCOUNT> <BRN> <PASSPORT> <LICENSE> <EMAIL>
  <IP> <URL> <ADDRESS> <PLATE> <SECRET> <NAME_n>``, ``<REDACTED>`` for the deny list and
  ``<NUMBER>`` for what only the leak guard caught. Foreign registration numbers count as RRN.
* Counts hold types only (``GUARD_*`` keys for leak-guard hits); the folded detection text, the
  name mapping and the values are never written anywhere.
* Dates, times, money, counts, ㅋㅋ/ㅎㅎ, emoji and surnames used as words stay; an order or
  tracking number after 주문/송장/택배 stays.
"""

from kakao2dataset.anonymize.anonymizer import Anonymizer
from kakao2dataset.anonymize.config import PII_TYPES, AnonymizerConfig, default_placeholders

__all__ = ["PII_TYPES", "Anonymizer", "AnonymizerConfig", "default_placeholders"]
