"""The needs file's parser and writer: pure, no database. Every faulty line is named; an exported file reads back."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bawaba.campaigns.needs.csvfile import (
    MAX_FILE_BYTES,
    MAX_LINES,
    MAX_NEED,
    NeedLine,
    NeedsFileError,
    NeedsProblem,
    compare_needs,
    needs_file_bytes,
    parse_needs_file,
)

CODES = frozenset({"01.511.01.01", "01.511.01.0", "12.041.03.05"})
STAGES = ("training", "field")


def parse(data: bytes) -> tuple[NeedLine, ...]:
    return parse_needs_file(data, commune_codes=CODES, stages=STAGES)


def problems(data: bytes) -> list[tuple[str, int | None]]:
    with pytest.raises(NeedsFileError) as caught:
        parse(data)
    return [(problem.code, problem.line) for problem in caught.value.problems]


GOOD = b"commune_code,stage,need\n01.511.01.01,training,12\n01.511.01.01,field,10\n12.041.03.05,training,3\n"


def test_reads_every_line_of_a_valid_file():
    assert parse(GOOD) == (
        NeedLine(2, "01.511.01.01", "training", 12),
        NeedLine(3, "01.511.01.01", "field", 10),
        NeedLine(4, "12.041.03.05", "training", 3),
    )


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + GOOD,  # Excel's "CSV UTF-8" starts with a byte-order mark
        GOOD.replace(b",", b";"),  # a French spreadsheet separates with semicolons
        GOOD.replace(b"\n", b"\r\n"),
        GOOD.replace(b"training", b"Training").replace(b"field", b"FIELD"),
        GOOD.replace(b",", b" , "),
        GOOD.replace(b"12.041.03.05,training,3", b'"12.041.03.05","training","3"'),
        GOOD.replace(b"\n0", b"\n\n,,\n0"),  # blank lines and a spreadsheet's empty rows are skipped
        GOOD.rstrip(b"\n"),  # no final line break
        GOOD.replace(b"need\n", b"NEED\n").replace(b"commune_code", b" Commune_Code "),
    ],
)
def test_reads_what_spreadsheets_save(data):
    assert [(line.commune_code, line.stage, line.need) for line in parse(data)] == [
        ("01.511.01.01", "training", 12),
        ("01.511.01.01", "field", 10),
        ("12.041.03.05", "training", 3),
    ]


def test_lists_every_faulty_line_with_its_reason():
    data = (
        b"commune_code,stage,need\n"
        b"01.511.01.01,training,12\n"  # 2: fine
        b"99.999.99.99,training,4\n"  # 3: unknown commune
        b"01.511.01.0,interview,4\n"  # 4: unknown stage
        b"01.511.01.0,training,abc\n"  # 5: not a number
        b"01.511.01.0,training,1.5\n"  # 6: not whole
        b"01.511.01.0,training,0\n"  # 7: zero
        b"01.511.01.0,field,-3\n"  # 8: negative
        b"12.041.03.05,field,100001\n"  # 9: too large
        b"01.511.01.01,training,7\n"  # 10: duplicate of line 2
        b"01.511.01.0,training\n"  # 11: two columns
        b"01.511.01.0,training,\x00\n"  # 12: NUL
        b"\xff\xfe\xfa,field,3\n"  # 13: not UTF-8
        b'"01.511.01.0,field,3\n'  # 14: unbalanced quote
        b",training,3\n"  # 15: no commune code
        + "12.041.03.05,training,١٢\n".encode()  # 16: Arabic-Indic digits are not read as a need
    )
    assert problems(data) == [
        ("unknown_commune", 3),
        ("unknown_stage", 4),
        ("need_not_whole", 5),
        ("need_not_whole", 6),
        ("need_not_positive", 7),
        ("need_not_positive", 8),
        ("need_too_large", 9),
        ("duplicate", 10),
        ("columns", 11),
        ("control_character", 12),
        ("encoding", 13),
        ("malformed", 14),
        ("no_commune", 15),
        ("need_not_whole", 16),
    ]


def test_a_line_with_several_mistakes_names_each():
    assert problems(b"commune_code,stage,need\nxx,nope,-1\n") == [
        ("unknown_commune", 2),
        ("unknown_stage", 2),
        ("need_not_positive", 2),
    ]


def test_a_duplicate_names_the_first_line():
    with pytest.raises(NeedsFileError) as caught:
        parse(GOOD + b"01.511.01.01,field,11\n")
    (problem,) = caught.value.problems
    assert problem == NeedsProblem("duplicate", 5, {"code": "01.511.01.01", "stage": "field", "first": 3})
    assert str(problem) == "Line 5 gives commune 01.511.01.01 at stage field again (already on line 3)."


def test_a_wrong_header_is_named_and_the_lines_are_still_checked():
    assert problems(b"code,stage,quantity\n01.511.01.01,training,12\nxx,field,1\n") == [
        ("header", 1),
        ("unknown_commune", 3),
    ]


def test_a_file_without_header_is_refused_on_its_first_line():
    assert problems(b"01.511.01.01,training,12\n01.511.01.0,field,1\n") == [("header", 1)]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b" \n\r\n", "empty"),
        (b"commune_code,stage,need\n", "no_needs"),
        (b"commune_code,stage,need\n,,\n", "no_needs"),
        ("commune_code,stage,need\n".encode("utf-16"), "utf16"),
        (b"x" * (MAX_FILE_BYTES + 1), "too_big"),
        (b"commune_code,stage,need\n" + b"\n" * MAX_LINES, "too_many_lines"),
    ],
)
def test_a_file_that_cannot_be_a_needs_file_is_refused_whole(data, code):
    assert problems(data) == [(code, None)]


def test_a_huge_number_is_too_large_without_being_converted():
    huge = b"9" * 5000
    assert problems(b"commune_code,stage,need\n01.511.01.01,training," + huge + b"\n") == [
        ("need_too_large", 2)
    ]


def test_the_largest_need_is_accepted():
    (line,) = parse(b"commune_code,stage,need\n01.511.01.01,training,%d\n" % MAX_NEED)
    assert line.need == MAX_NEED


def test_a_long_value_is_cut_in_the_message():
    with pytest.raises(NeedsFileError) as caught:
        parse(b"commune_code,stage,need\n" + b"9" * 300 + b",training,1\n")
    assert len(str(caught.value.problems[0])) < 120


def test_comparison_counts_added_changed_removed_and_keeps_other_stages():
    current = {(1, "training"): 5, (2, "training"): 3, (3, "training"): 4, (1, "field"): 2}
    incoming = {(1, "training"): 5, (2, "training"): 6, (4, "training"): 1}
    change = compare_needs(current, incoming, stages=["training"])
    assert (change.added, change.changed, change.removed, change.unchanged) == (1, 1, 1, 1)
    assert not change.is_empty
    assert compare_needs(
        current, {k: v for k, v in current.items() if k[1] == "field"}, stages=["field"]
    ).is_empty


needs_tables = st.dictionaries(
    st.tuples(st.sampled_from(sorted(CODES)), st.sampled_from(STAGES)),
    st.integers(min_value=1, max_value=MAX_NEED),
    min_size=1,
)


@given(needs_tables)
def test_an_exported_file_imports_back_unchanged(needs):
    exported = needs_file_bytes(sorted((code, stage, need) for (code, stage), need in needs.items()))
    assert {(line.commune_code, line.stage): line.need for line in parse(exported)} == needs
