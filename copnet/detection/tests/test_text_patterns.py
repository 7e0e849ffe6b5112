from __future__ import annotations

import re

import pytest

from copnet.detection.text.normalise import normalise
from copnet.detection.text.patterns import CATEGORIES, PatternSet, category_scores, to_regex

PATTERNS = PatternSet.load()


def scores_of(text: str) -> dict[str, float]:
    return category_scores(list(PATTERNS.find(normalise(text))))


FIRES = [
    ("sexual", "có clip sex mới nè"),
    ("sexual", "gửi link phim người lớn đi"),
    ("sexual", "hai đứa nó chịch nhau"),
    ("sexual", "send nudes"),
    ("sexual", "wanna have sex?"),
    ("grooming", "đừng nói với bố mẹ nhé"),
    ("grooming", "dung noi voi ai nha"),
    ("grooming", "chuyện này là bí mật của hai đứa mình thôi"),
    ("grooming", "chụp ảnh gửi cho anh xem đi em"),
    ("grooming", "add zl a nha, ib riêng với anh"),
    ("grooming", "mai em ra gặp anh, đi chơi riêng nhé"),
    ("grooming", "don't tell your parents, it's our little secret"),
    ("grooming", "send me a pic and turn on your cam"),
    ("self_harm", "tao muốn chết"),
    ("self_harm", "em không muốn sống nữa"),
    ("self_harm", "nó định tự tử"),
    ("self_harm", "tối qua lại cắt tay"),
    ("self_harm", "tham gia thử thách cá voi xanh"),
    ("self_harm", "i want to kill myself"),
    ("self_harm", "feeling suicidal again"),
    ("bullying", "mày ngu thế"),
    ("bullying", "con béo kia"),
    ("bullying", "tan học tao đánh mày"),
    ("bullying", "cả lớp ghét mày"),
    ("bullying", "ko ai chơi vs m đâu"),
    ("bullying", "you are so ugly"),
    ("bullying", "nobody likes you, kys"),
    ("scam_gambling", "nạp thẻ 100k nhận quà x2"),
    ("scam_gambling", "chơi tài xỉu uy tín"),
    ("scam_gambling", "nhận cá độ bóng đá"),
    ("scam_gambling", "kiếm tiền online tại nhà"),
    ("scam_gambling", "cho mình xin mã OTP nhé"),
    ("scam_gambling", "free kc ff và quân huy"),
    ("scam_gambling", "get free robux now"),
    ("scam_gambling", "send me the verification code"),
]


@pytest.mark.parametrize(("category", "text"), FIRES)
def test_pattern_category_fires(category: str, text: str) -> None:
    normalised = normalise(text)
    hits = [hit for hit in PATTERNS.find(normalised) if hit.pattern.category == category]
    assert category_scores(hits)[category] >= 0.5
    for hit in hits:
        begin, end = normalised.to_original(hit.start, hit.end)
        assert 0 <= begin < end <= len(text)


LOOK_ALIKES = [
    ("sexual", "chúng em học giáo dục giới tính ở trường"),
    ("grooming", "anh gửi anh Nam cái bánh nhé"),
    ("grooming", "cả nhà mình đi chơi công viên"),
    ("grooming", "shop ơi ib giá giúp mình"),
    ("self_harm", "trời nóng muốn chết"),
    ("self_harm", "con dao này cắt rau rất ngọt"),
    ("bullying", "mày ngủ chưa"),
    ("bullying", "nhà tôi có con chó rất khôn"),
    ("bullying", "you are so kind"),
    ("scam_gambling", "mình vừa nạp thẻ điện thoại"),
    ("scam_gambling", "đội tuyển thắng đậm tối qua"),
]


@pytest.mark.parametrize(("category", "text"), LOOK_ALIKES)
def test_clean_look_alike_does_not_fire(category: str, text: str) -> None:
    assert scores_of(text)[category] < 0.5


def test_accented_writing_is_matched_as_written() -> None:
    assert scores_of("gửi anh cái bánh")["grooming"] == 0.0
    assert scores_of("gửi ảnh đi")["grooming"] > 0.0


def test_weak_phrases_add_up() -> None:
    alone = scores_of("nhắn tin riêng nhé")["grooming"]
    together = scores_of("nhắn tin riêng nhé, qua zalo, mình gặp nhau")["grooming"]
    assert 0 < alone < together


def test_gap_syntax_allows_words_in_between() -> None:
    regex = re.compile(to_regex("gửi ~2 ảnh"))
    assert regex.fullmatch("gửi cho anh ảnh")
    assert not regex.fullmatch("gửi cho anh mấy cái ảnh")


def test_pattern_file_covers_every_category_with_valid_weights() -> None:
    assert {pattern.category for pattern in PATTERNS.patterns} == set(CATEGORIES)
    assert all(0 < pattern.weight < 1 for pattern in PATTERNS.patterns)
    assert len({pattern.id for pattern in PATTERNS.patterns}) == len(PATTERNS.patterns)
