"""check_lesson_image: the common upload checker's verdicts in the learning app's own words."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from PIL import Image

from copnet.core.testing import bomb_png, picture, zip_bytes
from copnet.education.errors import LearningError
from copnet.education.services import check_lesson_image


def _refusal(data: bytes) -> LearningError:
    with translation.override("en"), pytest.raises(LearningError) as caught:
        check_lesson_image(data)
    return caught.value


def test_an_animated_gif_is_kept_as_its_first_frame():
    frames = [Image.new("RGB", (32, 24), colour) for colour in ("red", "blue", "green")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)

    data, ext = check_lesson_image(out.getvalue())

    stored = Image.open(io.BytesIO(data))
    assert (ext, stored.size, getattr(stored, "n_frames", 1)) == ("png", (32, 24), 1)
    assert stored.convert("RGB").getpixel((5, 5)) == (255, 0, 0)


def test_a_picture_with_more_than_16_million_pixels_is_too_large():
    error = _refusal(bomb_png(4001, 4000))

    assert (error.code, error.field) == ("image_too_large", "image")


def test_a_bitmap_is_refused_with_the_list_of_accepted_types():
    error = _refusal(picture("BMP"))

    assert error.code == "image_type"
    assert error.message == "Use a PNG, JPEG or WebP picture."


@pytest.mark.parametrize(
    "data",
    [picture("JPEG")[:500], picture("PNG") + zip_bytes({"a.txt": b"hidden"})],
    ids=["truncated-jpeg", "png-hiding-a-zip"],
)
def test_a_broken_or_doubled_picture_is_not_usable(data):
    error = _refusal(data)

    assert error.code == "image_type"
    assert error.message == "This file is not a picture we can use."
