"""The staff file's parser, on its own (no database): every problem named with its line, nothing returned then."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bawaba.accounts.staff.csvfile import (
    MAX_FILE_BYTES,
    PROBLEM_SENTENCES,
    ROLES,
    StaffFileError,
    StaffLine,
    parse_staff_file,
    write_staff_file,
)

HEADER = "email,full_name,language,role,scope\n"


def problems_of(data: bytes) -> list[tuple[str, int | None]]:
    with pytest.raises(StaffFileError) as error:
        parse_staff_file(data)
    return [(problem.code, problem.line) for problem in error.value.problems]


def test_a_valid_file_gives_one_line_per_assignment():
    data = (
        HEADER + "Nadia@Example.ma, Nadia  Alaoui ,fr,provincial_supervisor,04.291;04.281\n"
        "nadia@example.ma,Nadia Alaoui,fr,interviewer,04.281\n"
        "karim@example.ma,كريم,ar,regional_coordinator,04\n"
        "sara@example.ma,Sara,en,central_admin,\n"
        "omar@example.ma,Omar,fr,administration_agent,hcp\n"
        "\n"
    ).encode()

    lines = parse_staff_file(data)

    assert lines[0] == StaffLine(
        2, "nadia@example.ma", "Nadia Alaoui", "fr", "provincial_supervisor", ("04.281", "04.291")
    )
    assert [(line.line, line.role, line.scope) for line in lines[1:]] == [
        (3, "interviewer", ("04.281",)),
        (4, "regional_coordinator", ("04",)),
        (5, "central_admin", ()),
        (6, "administration_agent", ("hcp",)),
    ]


def test_semicolons_between_columns_and_a_byte_order_mark_are_read():
    data = (
        b"\xef\xbb\xbf"
        + b'email;full_name;language;role;scope\r\na@example.ma;A;fr;interviewer;"04.281;04.291"\r\n'
    )

    (line,) = parse_staff_file(data)

    assert (line.email, line.scope) == ("a@example.ma", ("04.281", "04.291"))


def test_every_faulty_line_is_named_and_nothing_is_returned():
    data = (
        HEADER + "good@example.ma,Good,fr,interviewer,04.281\n"
        "not-an-address,Bad,fr,interviewer,04.281\n"
        ",No address,fr,interviewer,04.281\n"
        "x@example.ma,,fr,interviewer,04.281\n"
        "y@example.ma,Y,de,interviewer,04.281\n"
        "z@example.ma,Z,fr,janitor,04.281\n"
        "w@example.ma,W,fr,central_admin,04\n"
        "v@example.ma,V,fr,regional_coordinator,\n"
        "u@example.ma,U,fr,regional_coordinator,04;05\n"
        "t@example.ma,T,fr,interviewer,04 281\n"
        "good@example.ma,Good,fr,interviewer,04.281\n"
        "good@example.ma,Other name,fr,provincial_supervisor,04.281\n"
        "s@example.ma,S,fr\n"
    ).encode()

    assert problems_of(data) == [
        ("bad_email", 3),
        ("no_email", 4),
        ("no_name", 5),
        ("bad_language", 6),
        ("bad_role", 7),
        ("scope_not_empty", 8),
        ("no_region", 9),
        ("one_code", 10),
        ("bad_code", 11),
        ("duplicate", 12),
        ("conflict", 13),
        ("columns", 14),
    ]


def test_a_line_with_several_mistakes_lists_them_all():
    assert problems_of((HEADER + "bad,,xx,interviewer,04.281\n").encode()) == [
        ("bad_email", 2),
        ("no_name", 2),
        ("bad_language", 2),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [("empty", None)]),
        (b"   \n", [("empty", None)]),
        (b"mail,name\nx@example.ma,X\n", [("header", 1)]),
        (HEADER.encode(), [("no_lines", None)]),
        ("\ufeffemail".encode("utf-16"), [("utf16", None)]),
        ((HEADER + "a@example.ma,Am\xefne,fr,interviewer,04.281\n").encode("latin-1"), [("encoding", 2)]),
        ((HEADER + "a@example.ma,A\x00,fr,interviewer,04.281\n").encode(), [("control_character", 2)]),
        ((HEADER + 'a@example.ma,"A,fr,interviewer,04.281\n').encode(), [("malformed", 2)]),
    ],
)
def test_what_is_not_a_staff_file_is_refused_with_its_reason(data, expected):
    assert problems_of(data) == expected


def test_a_file_beyond_the_size_cap_is_refused_before_it_is_read():
    assert problems_of(b"x" * (MAX_FILE_BYTES + 1)) == [("too_big", None)]


def test_every_problem_has_a_sentence_and_the_roles_are_the_models():
    from bawaba.accounts.models import Assignment

    assert set(ROLES) == set(Assignment.Role.values)
    codes = {
        "empty", "too_big", "too_many_lines", "utf16", "no_lines", "header", "encoding", "control_character",
        "malformed", "columns", "no_email", "bad_email", "no_name", "name_too_long", "bad_language", "bad_role",
        "scope_not_empty", "no_region", "no_provinces", "no_administration", "one_code", "bad_code",
        "too_many_provinces", "duplicate", "conflict", "unknown_region", "unknown_province",
        "unknown_administration", "candidate_address",
    }  # fmt: skip
    assert set(PROBLEM_SENTENCES) == codes


_code = st.from_regex(r"[0-9]{2}(\.[0-9]{3})?", fullmatch=True)
_name = st.text(st.characters(codec="utf-8", categories=["L", "Zs"]), min_size=1, max_size=30).filter(
    lambda name: name.strip()
)
_line = st.builds(
    lambda local, name, language, role, codes: (local, name, language, role, codes),
    st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True),
    _name,
    st.sampled_from(["ar", "fr", "en"]),
    st.sampled_from(sorted(ROLES)),
    st.lists(_code, min_size=1, max_size=4, unique=True),
)


# Generating names and codes takes a second on a loaded machine: Hypothesis's speed check would fail the suite
# for the machine's load, not for the code (as the selection's property tests say too).
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(_line, min_size=1, max_size=8, unique_by=lambda row: row[0]),
    delimiter=st.sampled_from([",", ";"]),
)
def test_a_written_file_reads_back_the_same_whatever_the_delimiter(rows, delimiter):
    lines = []
    for number, (local, name, language, role, codes) in enumerate(rows, start=2):
        kind = ROLES[role]
        scope = () if kind == "national" else tuple(sorted(codes if kind == "provinces" else codes[:1]))
        lines.append(StaffLine(number, f"{local}@example.ma", " ".join(name.split()), language, role, scope))
    out = io.StringIO()
    write_staff_file(lines, out, delimiter=delimiter)

    assert parse_staff_file(out.getvalue().encode()) == lines
