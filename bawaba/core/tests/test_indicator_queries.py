"""Reads shared between indicators computed together (bawaba.core.indicator_queries.read_once): once per key inside
`reading_together`, every time outside it and after it, so that no figure outlives the computation it belongs to."""

from bawaba.core.indicator_queries import read_once, reading_together


def counting_read():
    calls = []

    def read():
        calls.append(1)
        return len(calls)

    return read, calls


def test_inside_reading_together_a_key_is_read_once():
    read, calls = counting_read()
    with reading_together():
        assert [read_once("a", read) for _ in range(3)] == [1, 1, 1]
        assert read_once("b", read) == 2  # another key reads on its own
    assert len(calls) == 2


def test_outside_and_after_it_every_call_reads():
    read, calls = counting_read()
    assert [read_once("a", read), read_once("a", read)] == [1, 2]
    with reading_together():
        assert read_once("a", read) == 3
    assert read_once("a", read) == 4  # the shared reads ended with it
    with reading_together():
        assert read_once("a", read) == 5  # a new computation starts afresh
    assert len(calls) == 5
