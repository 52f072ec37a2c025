"""A "messy" layer for the synthetic writer: the inconsistencies real exports show (issue #10).

Real files are not as tidy as the apps' grammar: messages delivered late (a time before the
previous message's), day lines missing, repeated or out of order, a blank line before a day
separator, LINE files whose quoted lines end in CRLF while records end in LF. :class:`Messy`
says which of these to render; :func:`kakao2dataset.synthetic.render` applies it::

    rendered = render(conversation, "K4", messy=Messy(time_back=0.05, missing_day=0.3, seed=1))

Two kinds of change, and what each means for ``Rendered.expected`` (always the file order):

* on the **conversation** (every variant): :func:`late_deliveries` moves some messages' times
  before the previous message's, on the same day and only after both speakers have spoken (a
  known speaker's record is a record even when its time goes back); :func:`swap_days` (dated
  records only: KakaoTalk Android / iOS) writes some days after the next one, day line and all.
* in the **renderers** (``messy`` argument): drop or repeat day lines, put a blank line before
  day lines, CRLF inside LINE quotes. The renderers skip what their format cannot show (a
  time-only export cannot lose a day line without losing the date of its records).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kakao2dataset.synthetic.conversation import Conversation, SyntheticMessage

#: Variants whose records carry their own full date and that write day lines (which may lie or
#: go missing; K6h writes none, so a day written out of order would look like a paste there).
DATED_RECORDS = frozenset({"K4", "K5", "K5'", "K6", "K7", "K7'"})


#: The designed (unverified) macOS .txt layout reads a row earlier than the previous one as
#: pasted text (kakao2dataset/parsers/kakao_mac/txt_reader.py); no real file says otherwise yet.
EARLIER_ROW_IS_TEXT = frozenset({"K3t"})


@dataclass(frozen=True)
class Messy:
    """Which inconsistencies to render, as shares of the messages / day lines (0 = none)."""

    time_back: float = 0.0  # messages delivered late: time before the previous message's
    missing_day: float = 0.0  # day lines left out (dated records only)
    repeated_day: float = 0.0  # day lines written again before a later message of that day
    out_of_order_days: float = 0.0  # days written after the next day (dated records only)
    blank_before_day: bool = False  # a blank line before each later day line (PC, LINE desktop)
    crlf_inside_quotes: bool = False  # LINE mobile: records end in LF, quoted lines in CRLF
    seed: int = 0

    def rng(self, salt: str) -> random.Random:
        """A generator of its own per use, so one option's draws never shift another's."""
        return random.Random(f"{self.seed}:{salt}")

    def apply(self, conversation: Conversation, variant: str) -> Conversation:
        """The conversation with late deliveries and swapped days, as this variant can show."""
        if self.out_of_order_days and variant in DATED_RECORDS:
            conversation = swap_days(conversation, self.out_of_order_days, self.rng("swap"))
        if self.time_back and variant not in EARLIER_ROW_IS_TEXT:
            conversation = late_deliveries(conversation, self.time_back, self.rng("late"))
        return conversation


def late_deliveries(conversation: Conversation, share: float, rng: random.Random) -> Conversation:
    """Give about ``share`` of the messages a time 1–30 minutes before the previous message's,
    the same day; only once both speakers have spoken, never two in a row."""
    out: list[SyntheticMessage] = []
    spoken: set[str] = set()
    for message in conversation.messages:
        prev = out[-1] if out else None
        late = (prev is not None and len(spoken) == 2 and rng.random() < share
                and prev.timestamp.date() == message.timestamp.date()
                and not (len(out) > 1 and out[-2].timestamp > prev.timestamp))
        if late:
            when = prev.timestamp - timedelta(minutes=rng.randint(1, 30))  # type: ignore[union-attr]
            midnight = datetime.combine(when.date(), datetime.min.time())
            if when.date() == prev.timestamp.date() and when > midnight:  # type: ignore[union-attr]
                message = replace(message, timestamp=when)
        spoken.add(message.speaker)
        out.append(message)
    return conversation.with_messages(out)


def swap_days(conversation: Conversation, share: float, rng: random.Random) -> Conversation:
    """Write about ``share`` of the days after the day that follows them (a day line out of
    order, with its records), once both speakers have spoken; a day is moved once."""
    days: list[list[SyntheticMessage]] = []
    for message in conversation.messages:
        if days and days[-1][0].timestamp.date() == message.timestamp.date():
            days[-1].append(message)
        else:
            days.append([message])
    spoken: set[str] = set()
    i = 0
    while i < len(days) - 1:
        ready = len(spoken) == 2
        spoken.update(m.speaker for m in days[i])
        if ready and rng.random() < share:
            days[i], days[i + 1] = days[i + 1], days[i]
            spoken.update(m.speaker for m in days[i])
            i += 2  # the moved day stays where it is now
            continue
        i += 1
    return conversation.with_messages([m for day in days for m in day])
