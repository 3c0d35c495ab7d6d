"""CSV downloads that Microsoft Excel opens correctly in Arabic as well as in French."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse
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


class _Echo:
    """A file-like object whose write returns the line: csv.writer then formats one row at a time for streaming."""

    def write(self, value: str) -> str:
        return value


def streamed_csv(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """A CSV download written row by row as the client reads it: hundreds of thousands of rows in little memory."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield UTF8_BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    return response
