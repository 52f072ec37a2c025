"""Training progress and Ctrl-C for ``k2d finetune``, apart from the loop they watch.

A new user's first question during a run is "is it doing anything, and how long?": so there
is a line per stage, an updating bar with ETA on a terminal, and plain periodic lines in a log
(a bar's carriage returns make a log unreadable). Ctrl-C must not lose the work done so far.
"""

from __future__ import annotations

import os
import sys
import time


class Progress:
    """Training progress on stderr: an updating bar with ETA on a terminal, plain lines (about
    every 10 % or 30 s) when stderr goes to a log or a pipe, nothing when quiet."""

    def __init__(self, total: int, start: int = 0, quiet: bool = False,
                 tty: bool | None = None, every_s: float = 30.0):
        self.total, self.start, self.quiet = total, start, quiet
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.every = max(1, total // 10)
        self.every_s, self.began, self.last = every_s, time.monotonic(), time.monotonic()

    def stage(self, text: str) -> None:
        if not self.quiet:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def line(self, step: int, loss: float, tok_s: float, val_ppl: float | None) -> str:
        elapsed = time.monotonic() - self.began
        eta = elapsed / max(step - self.start, 1) * (self.total - step)
        val = f" val_ppl {val_ppl:.2f}" if val_ppl is not None else ""
        return (f"step {step}/{self.total} ({100 * step // self.total}%) loss {loss:.3f}{val} "
                f"{tok_s:,.0f} tok/s elapsed {_clock(elapsed)} eta {_clock(eta)}")

    def update(self, step: int, loss: float, tok_s: float, val_ppl: float | None) -> None:
        if self.quiet:
            return
        text = self.line(step, loss, tok_s, val_ppl)
        if self.tty:
            done = 20 * step // self.total
            sys.stderr.write(f"\r[{'#' * done}{'.' * (20 - done)}] {text} ")
        elif (step % self.every == 0 or step == self.total
              or time.monotonic() - self.last >= self.every_s):
            self.last = time.monotonic()
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty and not self.quiet:
            sys.stderr.write("\n")


def _clock(seconds: float) -> str:
    """``83.2`` → ``'1:23'``; ``3725`` → ``'1:02:05'``."""
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class StopRequest:
    """The first Ctrl-C asks the loop to stop at the end of the current step (it then saves a
    checkpoint to ``--resume`` from); a second Ctrl-C quits at once, as usual.

    Why not catch KeyboardInterrupt: it can land between ``optimizer.step`` and the step
    counter, or among a step's dropout draws, and a checkpoint taken there would not resume
    to the same run. Only the main thread can own SIGINT; elsewhere this is inert.
    """

    def __init__(self):
        self.asked, self.previous = False, None

    def __enter__(self):
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.asked:
            raise KeyboardInterrupt
        self.asked = True
        # os.write, not sys.stderr: the signal can land while the main thread is inside a
        # buffered stderr write (the progress bar), and a second buffered write from the handler
        # then raises "reentrant call" instead of stopping cleanly.
        os.write(2, b"\nCtrl-C: stopping after this step to save a checkpoint "
                    b"(Ctrl-C again quits without one)\n")

    def __exit__(self, *exc) -> None:
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
