"""LINE for Android / iOS "Send chat history" text exports (L1, L1', L2, L2', L4)::

    [LINE] 鈴木とのトーク履歴              [LINE] Chat history with Bob
    保存日時：2024/12/10 09:12             Saved on: 12/10/2024, 09:12
    (blank)
    2024/12/09(月)                         Mon, 12/09/2024
    14:30<TAB>佐藤<TAB>今日の夜どうする？   2:30PM<TAB>Alice<TAB>what's for dinner
    14:31<TAB>鈴木<TAB>"ラーメンかな        2:31PM<TAB>Bob<TAB>"ramen?
    駅前の新しいところ"                     the new place"
    14:40<TAB><TAB>佐藤がメッセージの送信を取り消しました

Rules (research §1.6):

* Header lines (title, "saved on") are optional, and the title may be the bare placeholder
  ``[LINE]`` and the stamp ``出力日…`` (issue #10); a line before the first day line that is
  neither header nor blank is unparsed (it has no date).
* A record is ``<time><TAB><sender><TAB><text>``; the text may contain more tabs. An empty
  sender, or only two fields (the name glued into the text), is a system line (``SYSTEM``,
  speaker ""), "X unsent a message" notices included: they have no sender field and are no
  turn of X.
* **Time going back** (issue #10): a record-shaped line is a record even when its time is
  earlier than the previous message's, if its sender is a known speaker (counted as "time
  goes back"); an unknown sender going back is text of the open message. A day line of the
  current day again is a repeated day line (counted); an earlier one is text.
* **Quotes.** LINE wraps a *multi-line* text in ``"`` and doubles inner quotes; a single-line
  text is written raw, whatever quotes it has. So a text is read as quoted iff it starts with
  ``"``, the quoting is well-formed (every inner ``"`` doubled; a lone ``"`` only at the end of
  the closing line) and it closes on a *later* line. Otherwise the first line is a raw text
  (``"hi" she said`` or ``"`` alone are messages as they stand).
* Inside a quoted text every line is text — day and record look-alikes included — with one
  guard against a raw single-line text that merely starts with ``"``: a line that does *not*
  follow the *inner* line end (the one that one-line records do not end in: bare LF in a
  CRLF file as real exports do, CRLF in files whose records end in LF) ends the
  speculation when it is a *plausible* record (its time not earlier than the previous
  message's on the same day) or a day line dated after the current day. The opener is then a
  raw text and the lines are read again as records. A quote still open at end of file is
  the same: the opener stays raw text and the lines after it are reported unparsed.
* Outside quotes a non-record line continues the previous message (older exports), a blank
  line is a separator.
* ``Mon, 11/03/2025`` is month-first or day-first by the phone's region: the sniffer decides
  from the head (the weekday must fit; a day > 12; then increasing day lines), default
  month-first, and says so in the sniff notes. ``… BE`` years are Buddhist (−543).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time

import regex

from kakao2dataset.model import Message, MessageKind
from kakao2dataset.parsers.base import (
    Decision,
    LineAccounting,
    LineClass,
    Parser,
    PendingMessage,
    Sniff,
    register,
)
from kakao2dataset.parsers.line.grammar import (
    BAD,
    CLOSE,
    OPEN,
    TIME,
    Lookahead,
    clock,
    line_kind,
    make_date,
    scan_quotes,
    weekday_fits,
)
from kakao2dataset.reading import RawLine

RECORD = regex.compile(TIME + r"\t")
DAY_YMD = regex.compile(
    r"(?P<y>\d{4})/(?P<mo>\d{1,2})/(?P<d>\d{1,2})"
    r"(?:[(（](?P<w>[^)）]{1,3})[)）]| (?P<w>[A-Za-z]{3}|[^\s\d()（）/]{1,5})|(?P<w>[周星][^\s\d]{1,2}))?"
)
DAY_EN = regex.compile(r"(?P<w>[A-Z][a-z]{2}), (?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?P<be> BE)?")
# "[LINE]" alone is the placeholder title of an export without a chat name (issue #10).
TITLE = regex.compile(
    r"(?:\[LINE\] ?)?(?:.+とのトーク履歴|.+のトーク履歴|Chat history (?:with|in) .+|.+님과의 대화)"
    r"|\[LINE\](?: .+)?"
)
SAVED = regex.compile(r"(?P<label>保存日時|出力日時?|Saved on|저장한 날짜)[：:] ?(?P<stamp>.+)")
MAX_QUOTED = 20_000  # lines one quoted text may span before we stop believing it
HEADER_ZONE = 4


def en_day(m: regex.Match, order: str) -> date | None:
    a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    year -= 543 if m.group("be") else 0
    day = make_date(year, a, b) if order == "mdy" else make_date(year, b, a)
    return day if day is not None and weekday_fits(day, m.group("w")) else None


def ymd_day(m: regex.Match) -> date | None:
    day = make_date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
    return day if day is not None and weekday_fits(day, m.group("w")) else None


@register
class LineMobileParser(Parser):
    name = "line-mobile"
    app = "line"
    description = "LINE for Android/iOS chat history .txt (Japanese, English or Korean UI)"

    @classmethod
    def sniff(cls, head: Sequence[RawLine]) -> Sniff | None:
        texts = [line.text for line in head]
        if not texts:
            return None
        texts[0] = texts[0].lstrip("\ufeff")
        title = TITLE.fullmatch(texts[0]) is not None
        saved = SAVED.fullmatch(texts[1]) if len(texts) > 1 else None
        ymd = [m for t in texts if (m := DAY_YMD.fullmatch(t)) and ymd_day(m)]
        ens = [m for t in texts if (m := DAY_EN.fullmatch(t))]
        records = [m for t in texts if (m := RECORD.match(t)) and clock(m)]
        first = next((t for t in texts if t), "")
        if title and saved:
            score = 0.95
        elif (ymd or ens) and records and (DAY_YMD.fullmatch(first) or DAY_EN.fullmatch(first)):
            score = 0.8
        else:
            return None
        notes: list[str] = []
        order = _order(ens, notes)
        label = saved.group("label") if saved else ""
        weekday = (ymd[0].group("w") or "") if ymd else ""
        if label == "저장한 날짜" or (not label and weekday[:1] in "월화수목금토일" and weekday):
            variant = "L4"
        elif label == "Saved on" or (not label and (ens or weekday[:1].isascii() and weekday)):
            stamp = saved.group("stamp") if saved else ""
            variant = "L2'" if ens or regex.match(r"\d{1,2}/\d{1,2}/\d{4}", stamp) else "L2"
        else:
            twelve = any(m.group("mp") for m in records) or bool(saved and "午" in saved.group("stamp"))
            variant = "L1'" if twelve else "L1"
        if any(m.group("be") for m in ens):
            notes.append("Thai Buddhist-era years (BE), read as the year minus 543")
        if any(m.group("mp") for m in records):
            notes.append("12-hour clock; 午前/오전 12:xx read as 00:xx (convention, unverified)")
        crlf = sum(line.end == "\r\n" for line in head) > sum(line.end == "\n" for line in head)
        ends = Counter(line.end for line in head if _one_line_record(line.text))
        record_end = ends.most_common(1)[0][0] if ends else ("\r\n" if crlf else "\n")
        if record_end == "\n" and crlf:
            notes.append("one-line records end in LF, lines inside quotes in CRLF")
        return Sniff(cls.name, variant, score, tuple(notes),
                     {"order": order, "crlf": crlf, "record_end": record_end})

    def parse(self, lines: Iterable[RawLine], accounting: LineAccounting) -> Iterator[Message]:
        yield from _Reader(self.source, self.sniffed, accounting).run(lines)


def _one_line_record(text: str) -> bool:
    """A record whose text is not quoted: it ends in the file's record terminator."""
    m = RECORD.match(text)
    if m is None or clock(m) is None:
        return False
    sender, tab, body = text[m.end():].partition("\t")
    return bool(tab and sender) and body[:1] != '"'


def _order(ens: list[regex.Match], notes: list[str]) -> str:
    """Month-first or day-first for ``Mon, 11/03/2025`` day lines."""
    if not ens:
        return "mdy"
    fits = {o: sum(en_day(m, o) is not None for m in ens) for o in ("mdy", "dmy")}
    if fits["mdy"] == fits["dmy"]:
        ups = {o: sum((x := en_day(p, o)) is not None and (y := en_day(q, o)) is not None and x < y
                      for p, q in zip(ens, ens[1:], strict=False)) for o in ("mdy", "dmy")}
        order = "dmy" if ups["dmy"] > ups["mdy"] else "mdy"
        why = "increasing day lines" if ups["dmy"] != ups["mdy"] else "undecided, US default"
    else:
        order = max(fits, key=fits.get)  # type: ignore[arg-type]
        why = "weekdays and day numbers"
    notes.append(f"dates {'day-first (D/M/Y)' if order == 'dmy' else 'month-first (M/D/Y)'} ({why})")
    return order


class _Reader:
    def __init__(self, source: str, sniff: Sniff, acct: LineAccounting):
        self.acct = acct
        self.order = str(sniff.options.get("order", "mdy"))
        crlf = bool(sniff.options.get("crlf", True))
        self.record_end = str(sniff.options.get("record_end", "\r\n" if crlf else "\n"))
        self.pending = PendingMessage(source, line_kind)
        self.day: date | None = None
        self.last: datetime | None = None
        self.orphan = False  # lines after a quote left open at end of file
        self.known: set[str] = set()  # senders of the records read so far

    def _day(self, text: str) -> date | None:
        first = text[:1]
        if "0" <= first <= "9":
            m = DAY_YMD.fullmatch(text)
            return ymd_day(m) if m else None
        if "A" <= first <= "Z":
            m = DAY_EN.fullmatch(text)
            return en_day(m, self.order) if m else None
        return None

    def _stamp(self, text: str) -> tuple[datetime, int] | None:
        m = RECORD.match(text)
        if m is None or self.day is None or (hm := clock(m)) is None:
            return None
        return datetime.combine(self.day, time(*hm)), m.end()

    def run(self, lines: Iterable[RawLine]) -> Iterator[Message]:
        it = Lookahead(lines)
        for line in it:
            yield from self._line(line, it)
        done = self.pending.finish()
        if done is not None:
            yield done

    def _line(self, line: RawLine, it: Lookahead) -> tuple[Message, ...]:
        """The messages this line finishes (usually none)."""
        text = line.text
        if self.day is None:
            return self._before_first_day(line)
        if not text:
            self.acct.mark(line, LineClass.BLANK)
            return ()
        stamp = self._stamp(text)
        if stamp is not None and self._is_record(text, stamp):
            return self._record(line, text[stamp[1]:], stamp[0], it)
        day = self._day(text)
        if day is not None and day >= self.day:
            if day == self.day:
                self.acct.decide(line.number, Decision.DAY_REPEATED)
            return self._new_day(line, day)
        if self.pending.active:
            self.acct.mark(line, LineClass.CONTINUATION)
            self.pending.add(text, line.number)
        else:
            self.acct.mark(line, LineClass.UNPARSED)
        return ()

    def _is_record(self, text: str, stamp: tuple[datetime, int]) -> bool:
        """A record-shaped line is a record unless its time goes back while a message is open
        *and* its sender is not a known speaker (issue #10: in doubt, a record)."""
        if not self.pending.active or stamp[0] >= self.last:  # type: ignore[operator]
            return True
        sender, tab, _ = text[stamp[1]:].partition("\t")
        return not (tab and sender) or sender in self.known  # a notice names no sender

    def _before_first_day(self, line: RawLine) -> tuple[Message, ...]:
        """Title, save stamp and blanks; any other line before the first day has no date."""
        text = line.text.lstrip("\ufeff")
        day = self._day(text)
        if day is not None:
            return self._new_day(line, day)
        if not text:
            cls = LineClass.BLANK
        elif TITLE.fullmatch(text) or SAVED.fullmatch(text):
            cls = LineClass.HEADER
        else:
            cls = LineClass.UNPARSED
        self.acct.mark(line, cls)
        return ()

    def _new_day(self, line: RawLine, day: date) -> tuple[Message, ...]:
        self.acct.mark(line, LineClass.DATE)
        self.day = day
        return self._flush()

    def _flush(self) -> tuple[Message, ...]:
        done = self.pending.finish()
        return () if done is None else (done,)

    def _record(self, line: RawLine, rest: str, ts: datetime, it: Lookahead):
        if self.last is not None and ts < self.last:
            self.acct.decide(line.number, Decision.TIME_BACK)
        self.last = ts
        sender, tab, body = rest.partition("\t")
        if tab and sender:
            self.known.add(sender)
        if not tab or not sender:
            return self._flush() + (self._notice(line, body if tab else rest, ts),)
        if body[:1] == '"':
            quoted = self._quoted(line, body, it)
            if quoted is not None:
                text, last = quoted
                message = Message(ts, sender, text, line_kind(text), self.pending.source,
                                  line.number, last)
                return self._flush() + (message,)
        done = self.pending.start(ts, sender, body, line.number)
        self.acct.mark(line, LineClass.MESSAGE)
        return () if done is None else (done,)

    def _notice(self, line: RawLine, text: str, ts: datetime) -> Message:
        """A system line, "X unsent a message" included: it has no sender field, and is no
        turn of X (issue #10)."""
        self.acct.mark(line, LineClass.SYSTEM)
        return Message(ts, "", text, MessageKind.SYSTEM, self.pending.source, line.number,
                       line.number)

    def _quoted(self, opener: RawLine, body: str, it: Lookahead) -> tuple[str, int] | None:
        """Read a quoted multi-line text that ``opener`` may start (rules in the module
        docstring); None, with the lines put back, when it is a raw one-line text."""
        if scan_quotes(body[1:]) != OPEN:
            return None
        taken: list[RawLine] = []
        after_lf = self._inner_end(opener)
        for line in it:
            taken.append(line)
            if not after_lf and self._ends_false_opening(line.text):
                break
            state = scan_quotes(line.text)
            if state == CLOSE:
                return self._accept(opener, body, taken)
            if state == BAD or len(taken) >= MAX_QUOTED:
                break
            after_lf = self._inner_end(line)
        else:  # end of file; only blank lines after a one-line text are no open quote
            if any(line.text for line in taken):
                return self._unclosed(opener, body, taken)
        it.push(taken)
        return None

    def _inner_end(self, line: RawLine) -> bool:
        """The line ends in the terminator of lines *inside* a text: not the one one-line
        records end in (bare LF in a CRLF file as a rule; CRLF in files whose records end in
        LF, issue #10 item 5)."""
        return line.end not in ("", self.record_end)

    def _ends_false_opening(self, text: str) -> bool:
        """A plausible record or a later day line: the opener was a raw one-line text."""
        stamp = self._stamp(text)
        if stamp is not None and stamp[0] >= self.last:  # type: ignore[operator]
            return True
        day = self._day(text)
        return day is not None and day > self.day  # type: ignore[operator]

    def _accept(self, opener: RawLine, body: str, taken: list[RawLine]) -> tuple[str, int]:
        self.acct.mark(opener, LineClass.MESSAGE)
        for line in taken:
            self.acct.mark(line, LineClass.CONTINUATION)
        text = "\n".join([body] + [line.text for line in taken])
        return text[1:-1].replace('""', '"'), taken[-1].number

    def _unclosed(self, opener: RawLine, body: str, taken: list[RawLine]) -> tuple[str, int]:
        """End of file inside an open quote (a truncated export): the opener stays a one-line
        text, the lines after it are reported unparsed, never silently merged."""
        self.acct.mark(opener, LineClass.MESSAGE)
        for line in taken:
            self.acct.mark(line, LineClass.UNPARSED)
        return body, opener.number
