"""Chat repeats itself: remember what a short message became, so ``ㅋㅋㅋ`` is not re-analyzed.

A message's result depends on its text, the names learned so far (the ``NameBook``) and, for
number detectors with cue words, the previous message. The anonymizer only stores results that
learned no new name and whose previous message held no cue word (then it gives the result of any
previous message without one, which is when it is replayed); every entry carries the book's
version and is used only while the book is unchanged, so a replayed result is exactly what a
fresh run would give. Long texts are rarely repeated and are not kept; the cache is cleared when full.

>>> cache = RepeatCache()
>>> cache.put("ㅋㅋ", (0, 0), ("ㅋㅋ", (), False))
>>> cache.get("ㅋㅋ", (0, 0)), cache.get("ㅋㅋ", (1, 1))
(('ㅋㅋ', (), False), None)
"""

from __future__ import annotations

Result = tuple[str, tuple[str, ...], bool]  # output, counted kinds, whether a number rule ran
MAX_CHARS = 120  # longer messages seldom repeat; keeping them would only cost memory
MAX_ENTRIES = 50_000


class RepeatCache:
    """text → (output, counted kinds, cued), valid for one version of the name book."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.version: object = None
        self._results: dict[str, Result] = {}

    def get(self, text: str, version: object) -> Result | None:
        if version != self.version:
            return None
        return self._results.get(text)

    def put(self, text: str, version: object, result: Result) -> None:
        if len(text) > MAX_CHARS:
            return
        if version != self.version or len(self._results) >= self.max_entries:
            self._results.clear()
            self.version = version
        self._results[text] = result
