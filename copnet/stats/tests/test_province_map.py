"""The province map: every current unit drawn once, shaded by its count, safe to embed."""

from __future__ import annotations

import re

from django.utils import translation

from copnet.core.provinces import province_names
from copnet.stats import charts, geo


def test_the_map_draws_each_of_the_34_current_units_once_and_is_small():
    data = geo.map_data()
    assert set(data["provinces"]) == set(province_names())
    assert len(data["provinces"]) == 34
    assert geo.MAP_FILE.stat().st_size < 40_000
    for code, shape in data["provinces"].items():
        assert re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", shape["d"]), code
        assert 0 <= shape["x"] <= data["width"]
        assert 0 <= shape["y"] <= data["height"]
    # Hoàng Sa belongs to Đà Nẵng and Trường Sa to Khánh Hòa.
    assert set(data["islands"]) == {"48", "56"}
    # North at the top: Hà Nội above Thành phố Hồ Chí Minh, Cà Mau at the bottom.
    ys = {code: shape["y"] for code, shape in data["provinces"].items()}
    assert ys["01"] < ys["79"] < ys["96"]


def test_old_province_codes_have_a_shape_through_their_current_unit():
    shapes = geo.map_data()["provinces"]
    for old, current in geo.OLD_TO_CURRENT.items():
        assert geo.current_province(old) in shapes, old
        assert current in shapes


def test_provinces_are_shaded_by_count_and_link_to_their_cases():
    counts = {"79": 100, "01": 50, "96": 1}
    with translation.override("vi"):
        svg = str(charts.province_map(counts, "Ca <b>", "/drill/?province=", "c-map"))
    assert svg.count('class="province"') == 34
    assert svg.count('class="province islands"') == 2

    def fill(code: str) -> str:
        match = re.search(rf'data-province="{code}"><path d="[^"]+" fill="(#\w+)"', svg)
        assert match, code
        return match.group(1)

    assert fill("79") == charts.BLUES[5]
    assert fill("01") == charts.BLUES[3]
    assert fill("96") == charts.BLUES[1]
    assert fill("08") == charts.BLUES[0]
    assert 'href="/drill/?province=79"' in svg
    assert "Ca &lt;b&gt;" in svg
    assert "<b>" not in svg
    assert "<title>Quần đảo Trường Sa (Khánh Hòa): 0</title>" in svg


def test_an_empty_map_still_draws_every_province_unshaded():
    svg = str(charts.province_map({}, "Cases", "/d/", "m"))
    assert svg.count(f'fill="{charts.BLUES[0]}"') >= 36
    assert "≤" not in svg


def test_the_archipelagos_are_drawn_as_dots_not_escaped_text():
    svg = str(charts.province_map({"48": 3}, "Cases", "/d/", "m"))
    islands = geo.map_data()["islands"]
    assert svg.count("<circle ") == sum(len(i["dots"]) for i in islands.values())
    assert "&lt;circle" not in svg
