from __future__ import annotations

import time

import pytest

from copnet.detection.base import SignalError
from copnet.detection.text.classifier import (
    MAX_MODEL_CHARS,
    SCORE_KEYS,
    THRESHOLD,
    TextClassifier,
    TextResult,
)


@pytest.fixture(scope="module")
def classifier() -> TextClassifier:
    return TextClassifier.load()


def test_clean_text_is_not_flagged(classifier: TextClassifier) -> None:
    result = classifier.classify("Chúc mọi người một ngày mới vui vẻ và nhiều sức khỏe")
    assert set(result.scores) == set(SCORE_KEYS)
    assert max(result.scores.values()) < THRESHOLD
    assert (result.top_category, result.suggested_category, result.spans) == (None, None, [])


def test_clearly_offensive_text_is_flagged_with_spans_in_the_original(
    classifier: TextClassifier,
) -> None:
    text = "Đm thằng óc chó ngu vl"
    result = classifier.classify(text)
    assert max(result.scores["offensive"], result.scores["hate"]) >= THRESHOLD
    assert result.suggested_category == "cyberbullying"
    model_spans = [s for s in result.spans if s.category in {"offensive", "hate"}]
    assert model_spans
    assert all(text[s.start : s.end] == s.phrase for s in result.spans)
    assert any(s.phrase == "ngu vl" for s in model_spans)


def test_empty_text_scores_zero(classifier: TextClassifier) -> None:
    for text in ("", "   \n"):
        result = classifier.classify(text)
        assert result.scores == dict.fromkeys(SCORE_KEYS, 0.0)
        assert result.spans == []


@pytest.mark.parametrize("value", [None, b"bytes", 42, ["list"]])
def test_non_str_raises_signal_error(classifier: TextClassifier, value: object) -> None:
    with pytest.raises(SignalError) as info:
        classifier.classify(value)  # type: ignore[arg-type]
    assert info.value.code == "not_text"


def test_classify_many_rejects_a_bare_string(classifier: TextClassifier) -> None:
    with pytest.raises(SignalError):
        classifier.classify_many("not a list")


def test_broken_unicode_does_not_crash(classifier: TextClassifier) -> None:
    text = "mày ngu \ud800 vl \udfff"
    result = classifier.classify(text)
    assert all(text[s.start : s.end] == s.phrase for s in result.spans)


def test_one_megabyte_returns_a_defined_result_quickly(classifier: TextClassifier) -> None:
    filler = "Hôm nay trời đẹp, cả lớp đi học đầy đủ. " * 30_000
    text = (filler[:100_000] + " đừng nói với bố mẹ nhé " + filler)[:1_000_000]
    started = time.monotonic()
    result = classifier.classify(text)
    assert time.monotonic() - started < 2.0
    assert result.truncated
    assert any(s.category == "grooming" and s.start > MAX_MODEL_CHARS for s in result.spans)
    assert all(text[s.start : s.end] == s.phrase for s in result.spans)


def test_classify_many_equals_classify(classifier: TextClassifier) -> None:
    texts = ["Đẹp quá", "tao muốn chết", "nạp thẻ trúng thưởng", "Đm thằng ngu"]
    assert classifier.classify_many(texts) == [classifier.classify(text) for text in texts]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("có clip sex nóng lắm", "pornography"),
        ("clip sex nè, đừng nói với ai", "grooming"),
        ("hôm nay em lại cắt tay, em không muốn sống nữa", "self_harm"),
        ("chơi tài xỉu, nạp thẻ nhận thưởng x2", "scam_gambling"),
        ("cả lớp ghét mày", "cyberbullying"),
    ],
)
def test_suggested_category_is_a_taxonomy_code(
    classifier: TextClassifier, text: str, code: str
) -> None:
    assert classifier.classify(text).suggested_category == code


def test_explanations_carry_the_flagged_labels_and_spans() -> None:
    result = TextResult(
        scores={**dict.fromkeys(SCORE_KEYS, 0.0), "self_harm": 0.7, "bullying": 0.2},
        spans=[],
    )
    explanations = result.explanations()
    assert [(e.label, e.score, e.spans) for e in explanations] == [("self_harm", 0.7, ())]
