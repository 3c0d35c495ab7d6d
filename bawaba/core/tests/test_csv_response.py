"""CSV downloads: UTF-8 with a byte-order mark, so that Excel shows Arabic as Arabic."""

import csv
import io

from bawaba.core.csv_response import csv_attachment

ROWS = [
    ["commune_code", "commune_name_ar", "commune_name_fr"],
    ["01.001.01.03", "طنجة", "Tanger"],
    ["07.141.01.01", 'الدار البيضاء، "أنفا"', "Casablanca, Anfa"],
]


def written(rows: list[list[str]], filename: str = "communes.csv"):
    response = csv_attachment(filename=filename)
    csv.writer(response).writerows(rows)
    return response


def test_the_body_starts_with_the_utf8_byte_order_mark():
    assert written(ROWS).content.startswith(b"\xef\xbb\xbf")


def test_arabic_text_and_quoting_round_trip():
    body = written(ROWS).content
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == ROWS
    # Once: the mark starts the file, it is not written again before each row.
    assert body.count(b"\xef\xbb\xbf") == 1


def test_an_empty_file_is_only_the_byte_order_mark():
    assert csv_attachment(filename="empty.csv").content == b"\xef\xbb\xbf"


def test_the_headers_name_a_utf8_csv_attachment():
    response = written(ROWS, "registrations-rgph-2024.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="registrations-rgph-2024.csv"'


def test_a_filename_that_needs_quoting_is_escaped():
    # A quote would otherwise end the filename early; a non-ASCII one is written as RFC 6266 asks.
    assert csv_attachment(filename='a"b.csv')["Content-Disposition"] == r'attachment; filename="a\"b.csv"'
    assert (
        csv_attachment(filename="إحصاء.csv")["Content-Disposition"]
        == "attachment; filename*=utf-8''%D8%A5%D8%AD%D8%B5%D8%A7%D8%A1.csv"
    )
