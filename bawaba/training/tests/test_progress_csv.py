"""The completion report's parser: every faulty line with every reason, and a file written from valid lines reads
back to them. Pure: no database."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bawaba.training.progress_csv import (
    MOROCCO,
    ProgressLine,
    parse_progress_file,
    write_progress_file,
)

HEADER = "username,first_access,completion_percent,grade,last_access\n"


def codes(report) -> list[tuple[int | None, str]]:
    return [(problem.line, problem.code) for problem in report.problems]


def test_a_valid_report_reads_every_kind_of_date_and_number():
    data = (
        "\ufeff" + HEADER + "Amina@Example.MA,2026-05-04,45.5,14.255,2026-05-06T09:30:00Z\n"
        'karim@example.ma,2026-05-04T10:00:00+01:00,100,"17,5",2026-05-05 08:00\n'
        "sara@example.ma,,0,,\n"
    ).encode()
    report = parse_progress_file(data)
    assert report.ok and report.line_count == 3
    amina, karim, sara = report.lines
    assert amina.username == "amina@example.ma"  # the platform keeps usernames in lower case
    # A date alone is midnight, Moroccan time (UTC+1 outside Ramadan).
    assert amina.first_access == dt.datetime(2026, 5, 4, tzinfo=MOROCCO).astimezone(dt.UTC)
    assert amina.completion_percent == 46 and amina.grade == Decimal("14.26")
    assert amina.last_access == dt.datetime(2026, 5, 6, 9, 30, tzinfo=dt.UTC)
    assert karim.first_access == dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
    assert karim.grade == Decimal("17.50")
    assert (sara.first_access, sara.completion_percent, sara.grade, sara.last_access) == (None, 0, None, None)


def test_a_french_spreadsheet_with_semicolons_reads_the_same():
    data = b"USERNAME;first_access;completion_percent;grade;last_access\r\na@b.ma;2026-05-04;10;12,5;\r\n"
    report = parse_progress_file(data)
    assert report.ok
    assert report.lines[0].grade == Decimal("12.50")


def test_every_faulty_line_is_listed_with_every_reason():
    data = (
        HEADER + "ok@example.ma,2026-05-04,10,,2026-05-05\n"
        "bad@example.ma,4 mai,140,abc,2026-13-01\n"
        "nul@example.ma,2026-05-04,1\x00,,\n"
        "short@example.ma,2026-05-04\n"
        "long@example.ma,2026-05-04,1,2,2026-05-05,extra\n"
        "OK@example.ma,2026-05-04,10,,\n"
        ",2026-05-04,,,\n"
        "late@example.ma,2026-05-04,1,1001,2026-05-01\n"
        "old@example.ma,1899-01-01,1,,\n"
        "half@example.ma,,1,,2026-05-01\n"
        'quote@example.ma,"2026-05-04,1,,\n'
    ).encode() + b"\xff\xfe,,,,\n"
    report = parse_progress_file(data)
    assert [line.username for line in report.lines] == ["ok@example.ma"]
    assert codes(report) == [
        (3, "bad_date"), (3, "bad_date"), (3, "percent_out_of_range"), (3, "bad_grade"),
        (4, "control_character"),
        (5, "missing_columns"),
        (6, "too_many_columns"),
        (7, "duplicate_username"),
        (8, "no_username"), (8, "no_percent"),
        (9, "last_before_first"), (9, "grade_out_of_range"),
        (10, "date_out_of_range"),
        (11, "access_without_first"),
        (12, "malformed"),
        (13, "encoding"),
    ]  # fmt: skip
    assert report.line_count == 12
    duplicate = report.problems[7]
    assert str(duplicate) == "Line 7 gives the username “ok@example.ma” again (already on line 2)."
    assert "first access" in str(report.problems[0])


def test_a_file_that_is_not_a_report_is_refused_whole():
    assert codes(parse_progress_file(b"")) == [(None, "empty")]
    assert codes(parse_progress_file("\ufeffa,b\n".encode("utf-16"))) == [(None, "utf16")]
    assert codes(parse_progress_file(HEADER.encode())) == [(None, "no_lines")]
    assert codes(parse_progress_file(b"name,percent\nx,1\n")) == [(1, "header"), (2, "missing_columns")]
    assert codes(parse_progress_file(HEADER.encode() * 10, max_bytes=100)) == [(None, "too_big")]


moments = st.none() | st.datetimes(
    min_value=dt.datetime(2000, 1, 2),  # noqa: DTZ001 - hypothesis's bounds are naive; the values get UTC
    max_value=dt.datetime(2099, 12, 30),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
progress_lines = st.builds(
    lambda username, first, percent, grade, later: (username, first, percent, grade, later),
    st.from_regex(r"[a-z0-9._-]{1,20}@[a-z]{1,10}\.ma", fullmatch=True),
    moments,
    st.integers(0, 100),
    st.none() | st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=300)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(progress_lines, max_size=30, unique_by=lambda row: row[0]))
def test_a_file_written_from_valid_lines_reads_back_to_them(rows):
    lines = [
        ProgressLine(
            line=number,
            username=username,
            first_access=first,
            completion_percent=percent,
            grade=grade,
            last_access=None if first is None else first + later,
        )
        for number, (username, first, percent, grade, later) in enumerate(rows, start=2)
    ]
    report = parse_progress_file(write_progress_file(lines))
    if not lines:
        assert codes(report) == [(None, "no_lines")]
        return
    assert report.ok
    assert list(report.lines) == lines


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_lines_or_problems_never_an_exception(data):
    report = parse_progress_file(HEADER.encode() + data)
    assert report.ok or report.problems
    assert all(problem.line is None or problem.line >= 1 for problem in report.problems)
