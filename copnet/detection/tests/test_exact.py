"""MD5 and SHA-256 signals and the exact-match index."""

from __future__ import annotations

import hashlib

import pytest

from copnet.detection.base import Match, SignalError
from copnet.detection.exact import ExactIndex, Md5Signal, Sha256Signal

MD5_A = hashlib.md5(b"a", usedforsecurity=False).hexdigest()
MD5_B = hashlib.md5(b"b", usedforsecurity=False).hexdigest()
SHA_A = hashlib.sha256(b"a").hexdigest()


def test_md5_validation_returns_the_stripped_lower_case_digest():
    assert Md5Signal().validate(f"  {MD5_A.upper()}\n") == MD5_A


def test_sha256_validation_returns_the_stripped_lower_case_digest():
    assert Sha256Signal().validate(SHA_A.upper()) == SHA_A


@pytest.mark.parametrize(
    ("signal", "value", "code"),
    [
        (Md5Signal(), "g" * 32, "invalid_hex"),
        (Md5Signal(), "0x" + "a" * 30, "invalid_hex"),
        (Md5Signal(), "a" * 16 + " " + "a" * 15, "invalid_hex"),
        (Md5Signal(), None, "invalid_hex"),
        (Md5Signal(), "a" * 31, "wrong_length"),
        (Md5Signal(), "a" * 64, "wrong_length"),
        (Md5Signal(), "", "wrong_length"),
        (Sha256Signal(), "z" * 64, "invalid_hex"),
        (Sha256Signal(), "a" * 32, "wrong_length"),
        (Sha256Signal(), "a" * 65, "wrong_length"),
    ],
)
def test_invalid_digests_are_refused_with_a_stable_code(signal, value, code):
    with pytest.raises(SignalError) as error:
        signal.validate(value)
    assert error.value.code == code


def test_signal_names_are_the_bank_signal_types():
    assert (Md5Signal.name, Sha256Signal.name) == ("md5", "sha256")


def test_exact_index_finds_entries_by_digest_in_any_case():
    index = ExactIndex([(MD5_A, 1), (MD5_B, 2), (MD5_A.upper(), 3)], signal=Md5Signal())
    assert index.query(MD5_A.upper()) == [Match(1), Match(3)]
    assert index.query(MD5_B) == [Match(2)]
    assert index.query("0" * 32) == []
    assert len(index) == 3


def test_exact_index_counts_a_repeated_pair_once():
    index = ExactIndex([(MD5_A, 1), (MD5_A, 1)])
    assert index.query(MD5_A) == [Match(1)]
    assert len(index) == 1


def test_exact_index_removes_every_value_of_an_entry():
    index = ExactIndex([(MD5_A, 1), (MD5_B, 1), (MD5_B, 2)])
    index.remove([1, 99])
    assert index.query(MD5_A) == []
    assert index.query(MD5_B) == [Match(2)]
    assert len(index) == 1


def test_exact_index_add_is_all_or_nothing():
    index = ExactIndex([(SHA_A, 1)], signal=Sha256Signal())
    with pytest.raises(SignalError) as error:
        index.add([(SHA_A.replace("a", "b"), 2), ("a" * 63, 3)])
    assert error.value.code == "wrong_length"
    assert len(index) == 1
    assert index.query(SHA_A) == [Match(1)]


def test_exact_index_with_a_signal_refuses_a_query_of_the_wrong_length():
    index = ExactIndex([(MD5_A, 1)], signal=Md5Signal())
    with pytest.raises(SignalError) as error:
        index.query(SHA_A)
    assert error.value.code == "wrong_length"


def test_exact_index_without_a_signal_refuses_non_hex_values():
    index = ExactIndex()
    with pytest.raises(SignalError) as error:
        index.add([("not-hex", 1)])
    assert error.value.code == "invalid_hex"
    assert len(index) == 0
