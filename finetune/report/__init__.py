"""The persona report (``k2d eval --report``) and the blind test (``k2d eval --blind``).

Pure figure code lives in small modules that take plain lists of strings, so each figure is
tested on hand-made texts with a known answer: :mod:`.style` (length, laughter, endings,
words, diversity), :mod:`.memorization` (verbatim spans of training turns), :mod:`.verdict`
(which of two generators is closer to the real person), :mod:`.html` (the self-contained
page with inline SVG plots) and :mod:`.blind` (the blind-test page and its scoring).
"""
