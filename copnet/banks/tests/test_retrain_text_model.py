"""retrain_text_model: analysts' decisions + a (tiny, generated) ViHSD folder → a new model."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from copnet.detection.text.classifier import TextClassifier
from copnet.detection.text.model import LinearTextModel

from .test_text_labels import decided

pytestmark = pytest.mark.usefixtures("reference_data", "evidence_dir")

VIHSD = {
    0: [
        "hôm nay trời đẹp quá",
        "chúc mừng sinh nhật bạn",
        "bài hát này hay thật",
        "cảm ơn mọi người nhiều",
        "mình đi học về rồi",
        "món này ngon lắm",
        "phim này xem vui ghê",
    ],
    1: [
        "thằng này ngu vãi",
        "nói nhảm vãi cả lồn",
        "đồ óc chó im đi",
        "ngu như bò vậy",
        "mày bị điên à ngu thế",
        "câm mồm đi đồ ngu",
        "vãi lồn thật sự",
    ],
    2: [
        "bọn bắc kỳ chó chết hết đi",
        "lũ mọi rợ cút về nước",
        "giết hết bọn nó đi",
        "đồ ba que chó má",
        "bọn nam kỳ mất dạy",
        "lũ người đó không đáng sống",
        "cút hết đi lũ súc vật",
    ],
}
GROOMING = [
    "anh ấy bảo em đừng nói với bố mẹ",
    "người lạ xin ảnh không mặc áo của con tôi",
    "nó rủ con tôi gặp riêng ở khách sạn",
    "hắn bảo chuyển sang nhắn tin riêng trên zalo",
    "người đó hứa tặng điện thoại nếu con giữ bí mật",
]


def write_vihsd(folder):
    folder.mkdir()
    for name in ("train.csv", "dev.csv"):
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["free_text", "label_id"])
            for label, texts in VIHSD.items():
                writer.writerows([text, label] for text in texts)
    return folder


@pytest.mark.django_db
def test_retraining_adds_the_confirmed_categories_to_a_new_model(tmp_path):
    for text in GROOMING:
        decided("grooming", text, status="closed", outcome="referred_to_police")
    decided(
        "cyberbullying", "bạn ấy chỉ hỏi bài tập toán", status="rejected", outcome="not_harmful"
    )
    decided("cyberbullying", "cả lớp chế giễu em", status="closed", outcome="content_removed")
    out, err = StringIO(), StringIO()
    call_command(
        "retrain_text_model",
        "--vihsd",
        str(write_vihsd(tmp_path / "vihsd")),
        "--out",
        str(tmp_path / "model"),
        "--keep-export",
        str(tmp_path / "labels.csv"),
        stdout=out,
        stderr=err,
    )
    results = json.loads(out.getvalue().strip().splitlines()[-1])
    assert results["classes"] == ["clean", "offensive", "hate", "grooming"]
    assert "dev" in results
    assert "left out bullying: 1 confirmed texts" in err.getvalue()
    model = LinearTextModel.load(tmp_path / "model")
    assert model.classes == ("clean", "offensive", "hate", "grooming")
    assert model.meta["trained_on"][-1] == "extra: confirmed.csv"
    with (tmp_path / "labels.csv").open(encoding="utf-8") as handle:
        kept = list(csv.DictReader(handle))
    assert sorted(r["label"] for r in kept) == ["clean"] + ["grooming"] * 5
    result = TextClassifier.load(tmp_path / "model").classify("anh ấy bảo em đừng nói với bố mẹ")
    assert set(result.scores) >= {"offensive", "hate", "grooming"}


@pytest.mark.django_db
def test_retraining_without_vihsd_or_with_a_wrong_folder_fails_clearly(tmp_path):
    for text in GROOMING:
        decided("grooming", text, status="closed", outcome="referred_to_police")
    with pytest.raises(CommandError, match="no training examples for: .*offensive, hate"):
        call_command("retrain_text_model", "--out", str(tmp_path / "m"), stderr=StringIO())
    with pytest.raises(CommandError, match="train.csv"):
        call_command("retrain_text_model", "--vihsd", str(tmp_path), "--out", str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()


def test_the_engine_loads_the_model_named_in_settings(tmp_path, settings, monkeypatch):
    import shutil

    from copnet.banks import engine
    from copnet.detection.text.classifier import MODEL_DIR
    from copnet.detection.text.model import ModelFormatError

    shutil.copytree(MODEL_DIR, tmp_path / "model")
    (tmp_path / "model" / "model.json").write_text("{}", encoding="utf-8")
    settings.TEXT_MODEL_DIR = str(tmp_path / "model")
    monkeypatch.setattr(engine, "_classifier", None)
    with pytest.raises(ModelFormatError):  # proves the setting's folder is the one read
        engine.get_classifier()
