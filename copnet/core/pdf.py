"""PDF documents for reports, certificates and evaluation results.

Pure Python (fpdf2) with the DejaVu Sans fonts shipped in `core/fonts`, so Vietnamese text
renders on a machine without system fonts. Apps build their document with `ReportPdf` and
return `output()` bytes; nothing here knows about any app.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


class ReportPdf(FPDF):
    """An A4 document with a title, a running footer, headings, paragraphs and tables."""

    def __init__(self, title: str, footer: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.footer_text = footer
        self.set_title(title)
        self.set_creator("COPNet")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.add_page()
        self.set_font(FONT, "B", 16)
        self.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.footer_text}  ·  {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font(FONT, "B", 12)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.set_font(FONT, "", size)
        self.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def key_values(self, rows: Sequence[tuple[str, str]]) -> None:
        """Label: value lines, labels in bold."""
        for label, value in rows:
            self.set_font(FONT, "B", 10)
            self.multi_cell(55, 5, label, new_x=XPos.RIGHT, new_y=YPos.TOP, max_line_height=5)
            self.set_font(FONT, "", 10)
            self.multi_cell(0, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def data_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        col_widths: Sequence[float] | None = None,
    ) -> None:
        """A table with a bold header row; numbers are right-aligned."""
        self.set_font(FONT, "", 9)
        align = [
            "RIGHT" if rows and all(isinstance(r[i], int | float) for r in rows) else "LEFT"
            for i in range(len(header))
        ]
        with self.table(
            col_widths=tuple(col_widths) if col_widths else None,
            text_align=tuple(align),
            first_row_as_headings=False,
            line_height=5,
        ) as table:
            head = table.row()
            self.set_font(FONT, "B", 9)
            for cell in header:
                head.cell(str(cell))
            self.set_font(FONT, "", 9)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell("" if value is None else str(value))
        self.ln(2)

    def output_bytes(self) -> bytes:
        return bytes(self.output())
