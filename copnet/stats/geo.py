"""Provinces for statistics: old (pre-2025) codes mapped to the 34 current units, and the
boundaries drawn by the province map.

The boundaries (`data/provinces.json`, about 20 kB) are Natural Earth's admin-1 provinces
(public domain) merged into the current units and simplified by
`scripts/build_province_map.py`, which records the source. The Hoàng Sa and Trường Sa
archipelagos are drawn as dots at their main islands and count with Đà Nẵng and Khánh Hòa.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

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


MAP_FILE = Path(__file__).parent / "data" / "provinces.json"
ARCHIPELAGO_NAMES = {"48": _("Hoàng Sa archipelago"), "56": _("Trường Sa archipelago")}


@cache
def map_data() -> dict[str, Any]:
    """Width, height, one SVG path per current province and the archipelagos' dots."""
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    names = province_names()
    for code, shape in data["provinces"].items():
        shape["name"] = names.get(code, code)
    return data
