"""CSV downloads that Microsoft Excel opens correctly in Arabic as well as in French."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# Without a byte-order mark, Excel reads a CSV file in the computer's legacy code page (Windows-1252 or -1256), so
# Arabic names come out as mojibake; the BOM tells it the file is UTF-8. Python reads it back with "utf-8-sig".
UTF8_BOM = "\ufeff"


def csv_attachment(*, filename: str) -> HttpResponse:
    """An empty CSV download named `filename` that already starts with the BOM: write the rows into it with csv."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # Never None for an attachment: the `or` only tells the type checker so.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    response.write(UTF8_BOM)
    return response
