"""Each report figure on hand-made replies whose answer is known by counting."""

from __future__ import annotations

import pytest

from finetune.report import memorization, style, verdict
from finetune.report.blind import wilson


def test_laugh_rates_count_non_space_characters():
    replies = ["ㅋㅋㅋ 좋아", "ㅎㅎ", "ㅠㅠ 아쉽다 ㅜ"]  # 5 + 2 + 6 = 13 non-space characters
    assert style.char_rate(replies, "ㅋ") == pytest.approx(3 / 13)
    assert style.char_rate(replies, "ㅎ") == pytest.approx(2 / 13)
    assert style.char_rate(replies, style.LAUGH_SETS["ㅠ"]) == pytest.approx(3 / 13)
    assert style.char_rate([], "ㅋ") == 0.0


def test_emoji_and_punctuation_rates():
    replies = ["좋아!!", "😂 진짜?", "ok."]  # 4 + 4 + 3 = 11 characters
    assert style.emoji_rate(replies) == pytest.approx(1 / 11)
    assert style.punctuation_rate(replies) == pytest.approx(4 / 11)


def test_length_in_characters_and_messages_per_turn():
    replies = ["안녕\n뭐해", "응"]  # 4 and 1 characters; 2 and 1 messages
    assert style.mean_chars(replies) == pytest.approx(2.5)
    assert style.mean_messages(replies) == pytest.approx(1.5)


def test_endings_split_banmal_from_jondaetmal():
    replies = ["밥 먹었어?", "좋아요", "감사합니다.", "가자!"]
    figs = style.ending_figures(replies)
    assert figs["endings"] == 4
    assert figs["polite_share"] == pytest.approx(0.5)  # 좋아요, 감사합니다
    top = dict(figs["top"])
    assert top["어"] == pytest.approx(0.25) and top["자"] == pytest.approx(0.25)
    assert style.is_polite("어요") and style.is_polite("ᆸ니다") and not style.is_polite("어")


def test_distinctive_words_are_the_personas_not_everyone_elses():
    persona = ["떡볶이 먹자", "떡볶이 좋아", "떡볶이 최고", "학교 가자", "학교 싫어"]
    others = ["학교 어때", "학교 가?", "학교 끝나고 봐"]
    vocab = style.distinctive_words(persona, others, top=5)
    assert vocab[0] == "떡볶이"
    assert "학교" not in vocab  # the persona uses it, but so does everyone
    assert style.distinctive_usage(["떡볶이 먹을래"], ["떡볶이", "최고"]) == pytest.approx(0.5)


def test_distinct_n_and_repetition():
    replies = ["a b c", "a b d", "a b c"]
    # bigrams: ab bc ab bd ab bc -> 3 unique of 6
    assert style.distinct_n(replies, 2) == pytest.approx(0.5)
    assert style.distinct_n(["x y z"], 1) == 1.0
    assert style.repetition(replies) == pytest.approx(2 / 3)  # the two "a b c"
    assert style.repetition(["가", "나"]) == 0.0


def test_figures_carry_every_verdict_key():
    figs = style.figures(["ㅋㅋ 응"], ["응"])
    assert set(style.SCALARS) <= set(figs)
    assert figs["rate_ㅋ"] == pytest.approx(2 / 3)


def toks(text: str) -> list[str]:
    """Word tokens stand in for the model's token ids (any hashable items work)."""
    return text.split()


def test_memorization_flags_a_verbatim_copy_and_not_a_paraphrase():
    train = [toks("오늘 세시에 전공 수업 끝나고 도서관 갔다가 집에 가"),
             toks("내일 봐")]
    copy = toks("응 오늘 세시에 전공 수업 끝나고 도서관 갔다가 집에 가 ㅋㅋ")  # shares the whole 9-word turn
    paraphrase = toks("오늘 세시에 수업 끝나고 도서관 들렀다 집에 갈래")
    short = toks("내일 봐")  # a real copy, but too short to say anything
    index = memorization.SpanIndex(train, min_tokens=8)
    share, copies = memorization.check([copy, paraphrase, short], index)
    assert share == pytest.approx(1 / 3)
    assert copies == [memorization.Copy(reply=0, train=0, tokens=9)]


def test_memorization_reports_the_longest_copy_first():
    train = [list(range(20)), list(range(100, 110))]
    index = memorization.SpanIndex(train, min_tokens=3)
    share, copies = memorization.check([[100, 101, 102, 7], list(range(5, 15))], index)
    assert share == 1.0
    assert [(c.reply, c.tokens) for c in copies] == [(1, 10), (0, 3)]


def test_verdict_counts_closer_figures_and_ties():
    labels = {"a": "A", "b": "B", "c": "C"}
    rows = verdict.compare({"a": 1, "b": 1, "c": 1}, {"a": 1.2, "b": 3, "c": 2},
                           {"a": 2, "b": 1.5, "c": 0}, labels)
    assert [r["closer"] for r in rows] == ["adapter", "few-shot", "tie"]
    assert verdict.summary(rows).startswith("closer to the real person than few-shot on 1 of 3")


def test_wilson_interval_known_values():
    assert wilson(0, 0) == (0.0, 1.0)
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(8, 10)
    assert (lo, hi) == (pytest.approx(0.4902, abs=1e-4), pytest.approx(0.9433, abs=1e-4))


def test_memorization_on_morphemes_catches_a_copied_korean_line():
    train = ["내일 세시에 전공 수업 끝나고 도서관 갈 거야", "응"]
    index = memorization.SpanIndex([memorization.morphemes(t) for t in train], min_tokens=8)
    copied = "밥? 내일 세시에 전공 수업 끝나고 도서관 갈 거야 ㅋㅋ"  # the schedule line, verbatim
    fresh = "좋아 같이 먹자"
    share, copies = memorization.check([memorization.morphemes(copied),
                                        memorization.morphemes(fresh)], index)
    assert share == 0.5 and [c.reply for c in copies] == [0]
    assert copies[0].tokens >= 8
