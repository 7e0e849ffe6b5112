from __future__ import annotations

import unicodedata

import pytest

from copnet.detection.text.normalise import fold, normalise, strip_accents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ko bít j", "không biết gì"),
        ("k dc đâu", "không được đâu"),
        ("hok đc", "không được"),
        ("ny mik", "người yêu mình"),
        ("ib nha", "nhắn tin nha"),
        ("add zl", "add zalo"),
    ],
)
def test_teen_code_is_folded_to_full_words(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hay vl", "hay vãi lồn"),
        ("vcl", "vãi cả lồn"),
        ("đm mày", "địt mẹ mày"),
        ("dmm", "địt mẹ mày"),
        ("dcm", "địt con mẹ"),
        ("cc", "con cặc"),
        ("clgt", "cái lồn gì thế"),
    ],
)
def test_profane_abbreviations_are_folded(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_english_dm_me_is_not_the_vietnamese_insult() -> None:
    assert fold("dm me later") == "dm me later"


def test_apostrophes_do_not_start_teen_code() -> None:
    assert fold("don't tell, i'm here") == "don't tell, i'm here"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ng0 qu4", "ngo qua"),
        ("s3x", "sex"),
        ("h0t g1rl", "hot girl"),
        ("$ex", "sex"),
        ("k0", "không"),
    ],
)
def test_leet_speak_inside_words_is_folded(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_numbers_and_units_are_not_leet() -> None:
    assert fold("50k 4g 7h covid19 2024 @user") == "50k 4g 7h covid19 2024 @user"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("nguuuuu", "ngu"), ("đẹp quáaaaa", "đẹp quáa"), ("hay quá!!!!", "hay quá!"), ("kkkk", "kk")],
)
def test_repeated_letters_collapse(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_xxx_is_kept() -> None:
    assert fold("xxx") == "xxx"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s e x", "sex"),
        ("n.g.u", "ngu"),
        ("f-u-c-k", "fuck"),
        ("f u c k u", "fuck you"),
        ("đồ ng.u", "đồ ngu"),
        ("n\u200bg\u200du", "ngu"),
    ],
)
def test_spacing_tricks_are_undone(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_single_letter_teen_code_is_not_joined() -> None:
    assert fold("m k j") == "mày không gì"


def test_ordinary_abbreviations_are_not_joined() -> None:
    assert fold("wi-fi ở tp.hcm") == "wi-fi ở tp.hcm"


def test_accent_insensitive_variant_strips_vietnamese_diacritics() -> None:
    result = normalise("Đường ĐI Ở Đâu")
    assert result.text == "đường đi ở đâu"
    assert result.plain == "duong di o dau"
    assert strip_accents("Nguyễn Thị Ánh") == "Nguyen Thi Anh"


def test_decomposed_and_full_width_text_is_composed() -> None:
    assert fold(unicodedata.normalize("NFD", "Nguyễn")) == "nguyễn"
    assert fold("Ｓｅｘ") == "sex"


def test_spans_map_back_to_the_original_text() -> None:
    original = "Mày là đồ N.G.U vl"
    result = normalise(original)
    start = result.text.index("ngu")
    begin, end = result.to_original(start, start + 3)
    assert original[begin:end] == "N.G.U"
    start = result.text.index("vãi lồn")
    begin, end = result.to_original(start, start + len("vãi lồn"))
    assert original[begin:end] == "vl"


def test_spans_map_back_through_decomposed_characters() -> None:
    original = unicodedata.normalize("NFD", "Ôi Nguyễn")
    result = normalise(original)
    start = result.text.index("nguyễn")
    begin, end = result.to_original(start, start + len("nguyễn"))
    assert original[begin:end] == unicodedata.normalize("NFD", "Nguyễn")


def test_lone_surrogates_and_zero_width_characters_do_not_break_it() -> None:
    result = normalise("a\ud800b\u200bc")
    assert result.text == "a\ufffdbc"
    assert result.to_original(3, 4) == (4, 5)


def test_empty_text_normalises_to_empty() -> None:
    result = normalise("")
    assert (result.text, result.plain, result.to_original(0, 1)) == ("", "", (0, 0))
