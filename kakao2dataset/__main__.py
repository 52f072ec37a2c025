"""``python -m kakao2dataset`` is ``k2d``."""

from kakao2dataset.cli import main

main(prog_name="k2d")
