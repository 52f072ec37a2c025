"""The generation progress bar draws on a terminal only (logs and pipes get no \\r noise)."""

from __future__ import annotations

import io

from finetune.evaluate import Progress


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_and_ends_the_line():
    tty = FakeTty()
    bar = Progress(4, "generating replies", stream=tty)
    bar.update(2)
    bar.update(2)
    text = tty.getvalue()
    assert "\rgenerating replies [###############...............] 2/4" in text
    assert text.endswith("4/4\n")


def test_progress_is_silent_in_a_pipe():
    pipe = io.StringIO()
    bar = Progress(3, "generating replies", stream=pipe)
    bar.update(3)
    assert pipe.getvalue() == "" and bar.done == 3
