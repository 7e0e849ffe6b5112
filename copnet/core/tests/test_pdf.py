from io import BytesIO

from pypdf import PdfReader

from copnet.core.pdf import ReportPdf


def test_vietnamese_text_and_table_parse_back():
    pdf = ReportPdf("Báo cáo tháng 10/2026 — Mạng lưới", footer="COPNet")
    pdf.heading("Số liệu chính")
    pdf.paragraph("Phản ánh về xâm hại trẻ em trên không gian mạng: tổng hợp theo tỉnh.")
    pdf.key_values([("Kỳ báo cáo", "01/10/2026 – 31/10/2026"), ("Dữ liệu đến", "31/10/2026")])
    pdf.data_table(["Tỉnh", "Số vụ"], [["Hà Nội", 120], ["Thành phố Hồ Chí Minh", 97]])
    data = pdf.output_bytes()

    assert data.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Báo cáo tháng 10/2026" in text
    assert "Thành phố Hồ Chí Minh" in text
    assert "120" in text
    assert reader.metadata.title == "Báo cáo tháng 10/2026 — Mạng lưới"


def test_long_table_breaks_pages():
    pdf = ReportPdf("Danh sách")
    pdf.data_table(["#", "Tên"], [[i, f"Dòng {i}"] for i in range(200)])
    reader = PdfReader(BytesIO(pdf.output_bytes()))
    assert len(reader.pages) > 1
    assert "Dòng 199" in reader.pages[-1].extract_text()
