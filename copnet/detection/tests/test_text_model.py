from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from copnet.detection.text.classifier import MODEL_DIR, TextClassifier
from copnet.detection.text.model import JSON_NAME, LinearTextModel, ModelFormatError

VIHSD = Path("/work/shared/data/vihsd")


def test_shipped_model_is_small_and_has_no_pickle() -> None:
    files = sorted(path.name for path in MODEL_DIR.iterdir() if path.name.startswith("model."))
    assert files == ["model.json", "model.npz"]
    assert sum((MODEL_DIR / name).stat().st_size for name in files) < 5_000_000


@pytest.mark.skipif(not (VIHSD / "dev.csv").exists(), reason="ViHSD dev split not available")
def test_shipped_model_reaches_the_dev_macro_f1() -> None:
    from copnet.detection.text.train import evaluate, read_vihsd

    model = LinearTextModel.load(MODEL_DIR)
    assert evaluate(model, read_vihsd(VIHSD / "dev.csv"))["macro_f1"] >= 0.65


def test_unknown_model_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / JSON_NAME).write_text(json.dumps({"format": "pickle"}), encoding="utf-8")
    (tmp_path / "model.npz").write_bytes(b"")
    with pytest.raises(ModelFormatError):
        LinearTextModel.load(tmp_path)


def test_missing_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelFormatError):
        TextClassifier.load(tmp_path)


def test_training_on_extra_labels_adds_a_class(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from copnet.detection.text.train import main

    rows = []
    for i in range(12):
        rows += [
            (f"hôm nay trời đẹp quá số {i}", "clean"),
            (f"thằng này hãm vãi số {i}", "offensive"),
            (f"lũ khốn đó cút về nước số {i}", "hate"),
            (f"bé ơi cho chú số nhà đi số {i}", "grooming"),
        ]
    extra = tmp_path / "extra.csv"
    with extra.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    out = tmp_path / "model"
    assert main(["--extra", str(extra), "--out", str(out)]) == 0
    classifier = TextClassifier.load(out)
    assert classifier.model is not None
    assert classifier.model.classes == ("clean", "offensive", "hate", "grooming")
    assert classifier.classify("bé ơi cho chú số nhà đi").scores["grooming"] >= 0.5


def test_vihsd_prediction_agrees_with_the_scores() -> None:
    classifier = TextClassifier.load()
    texts = ["Chúc mừng năm mới", "Đm thằng óc chó ngu vl", "ngu vãi"]
    predicted = classifier.predict_vihsd(texts)
    for label, result in zip(predicted, classifier.classify_many(texts), strict=True):
        flagged = [k for k, key in ((1, "offensive"), (2, "hate")) if result.scores[key] >= 0.5]
        assert [label] == (flagged or [0])


def test_char_word_cache_gives_the_same_features_as_the_whole_text() -> None:
    from collections import Counter

    from copnet.detection.text.model import _tf

    model = LinearTextModel.load(MODEL_DIR)
    (char,) = [block for block in model.blocks if block.name == "char"]
    texts = ["mày ngu quá  mày", "gửi ảnh riêng tư cho anh nhé em", "", "ngu ngu ngu"]
    for _pass in range(2):  # the second pass reads every word from the cache
        rows, columns, values = _tf(char, texts)
        got: dict[tuple[int, int], float] = {}
        for row, column, value in zip(rows, columns, values, strict=True):
            got[(row, column)] = round(value, 9)
        want: dict[tuple[int, int], float] = {}
        for row, text in enumerate(texts):
            known = Counter(char.vocabulary[g] for g in char.analyser(text) if g in char.vocabulary)
            for column, count in known.items():
                want[(row, column)] = round(1.0 + math.log(count), 9)
        assert got == want
    assert "ngu" in char.word_columns
