"""Provinces for statistics: old (pre-2025) codes mapped to the 34 current units, and the
tile-grid map layout.

The map is a tile grid (cartogram): each current province is one equal square placed roughly
where it lies, north at the top. It shows no borders, coastline or islands and is not a map of
Vietnam's territory; it exists so that figures per province can be compared at a glance
without downloading map tiles or shipping boundary files of uncertain licence.
"""

from __future__ import annotations

from functools import cache

from copnet.core.provinces import province_names

# Resolution 202/2025/QH15: the 63 units merged into 34 on 1 July 2025. Old code -> current.
# Current units keep the code of one of the units they absorbed, so the mapping is idempotent.
MERGED_INTO: dict[str, tuple[str, ...]] = {
    "08": ("02",),  # Tuyên Quang + Hà Giang
    "15": ("10",),  # Lào Cai + Yên Bái (15)
    "19": ("06",),  # Thái Nguyên + Bắc Kạn
    "24": ("27",),  # Bắc Ninh + Bắc Giang (24)
    "25": ("26", "17"),  # Phú Thọ + Vĩnh Phúc + Hòa Bình
    "31": ("30",),  # Hải Phòng + Hải Dương
    "33": ("34",),  # Hưng Yên + Thái Bình
    "37": ("35", "36"),  # Ninh Bình + Hà Nam + Nam Định
    "44": ("45",),  # Quảng Trị + Quảng Bình (44)
    "48": ("49",),  # Đà Nẵng + Quảng Nam
    "51": ("62",),  # Quảng Ngãi + Kon Tum
    "52": ("64",),  # Gia Lai + Bình Định (52)
    "56": ("58",),  # Khánh Hòa + Ninh Thuận
    "66": ("54",),  # Đắk Lắk + Phú Yên
    "68": ("67", "60"),  # Lâm Đồng + Đắk Nông + Bình Thuận
    "75": ("70",),  # Đồng Nai + Bình Phước
    "79": ("74", "77"),  # Hồ Chí Minh + Bình Dương + Bà Rịa–Vũng Tàu
    "80": ("72",),  # Tây Ninh + Long An (80)
    "82": ("87",),  # Đồng Tháp + Tiền Giang (82)
    "86": ("83", "84"),  # Vĩnh Long + Bến Tre + Trà Vinh
    "91": ("89",),  # An Giang + Kiên Giang (91)
    "92": ("94", "93"),  # Cần Thơ + Sóc Trăng + Hậu Giang
    "96": ("95",),  # Cà Mau + Bạc Liêu
}
OLD_TO_CURRENT: dict[str, str] = {
    old: current for current, olds in MERGED_INTO.items() for old in olds
}


def current_province(code: str) -> str:
    """The current unit's code for a current or pre-2025 code ('' stays '')."""
    code = (code or "").strip()
    if code.isdigit():
        code = f"{int(code):02d}"
    return OLD_TO_CURRENT.get(code, code)


# (column, row) of each current unit on the tile grid, north at the top.
TILES: dict[str, tuple[int, int]] = {
    "12": (1, 0), "15": (2, 0), "08": (3, 0), "04": (4, 0),
    "11": (0, 1), "14": (1, 1), "25": (2, 1), "19": (3, 1), "20": (4, 1),
    "01": (2, 2), "24": (3, 2), "22": (4, 2),
    "37": (2, 3), "33": (3, 3), "31": (4, 3),
    "38": (2, 4),
    "40": (2, 5),
    "42": (3, 6),
    "44": (3, 7),
    "46": (4, 8),
    "48": (4, 9),
    "51": (4, 10),
    "52": (4, 11),
    "66": (4, 12),
    "68": (3, 13), "56": (4, 13),
    "80": (1, 14), "79": (2, 14), "75": (3, 14),
    "91": (0, 15), "82": (1, 15), "86": (2, 15),
    "92": (1, 16),
    "96": (0, 17),
}  # fmt: skip


@cache
def tile_layout() -> list[tuple[str, str, int, int]]:
    names = province_names()
    return [(code, names.get(code, code), col, row) for code, (col, row) in TILES.items()]
