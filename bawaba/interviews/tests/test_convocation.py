"""The convocation rule: nearest place first, then the earliest slot with room, by commune; never over capacity,
never twice."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bawaba.interviews.convocation import (
    Candidate,
    Place,
    Slot,
    assign,
    distance_km,
    places_by_distance,
)

MORNING = datetime(2024, 5, 15, 9, 0, tzinfo=UTC)


def slots(place: str, *rooms: int) -> list[Slot]:
    return [
        Slot(key=f"{place}-{index}", starts_at=MORNING + timedelta(minutes=30 * index), room=room)
        for index, room in enumerate(rooms)
    ]


RABAT = (34.02, -6.84)
SALE = (34.05, -6.80)
KENITRA = (34.26, -6.58)


def test_distance_between_rabat_and_kenitra_is_about_35_km():
    assert 30 < distance_km(RABAT, KENITRA) < 40
    assert distance_km(RABAT, RABAT) == 0


def test_candidates_go_to_the_nearest_place_then_the_earliest_slot_with_room():
    places = [
        Place("kenitra", *KENITRA, slots=slots("kenitra", 5)),
        Place("rabat", *RABAT, slots=slots("rabat", 1, 2)),
    ]
    candidates = [Candidate(key=n, commune="sale") for n in range(5)]
    result = assign(candidates, places, {"sale": SALE})
    assert result.assigned == {0: "rabat-0", 1: "rabat-1", 2: "rabat-1", 3: "kenitra-0", 4: "kenitra-0"}
    assert result.unplaced == []


def test_slots_are_taken_by_start_time_whatever_order_they_are_given_in():
    later, earlier = Slot("late", MORNING + timedelta(hours=2), 1), Slot("early", MORNING, 1)
    result = assign(
        [Candidate(1, "c"), Candidate(2, "c")], [Place("p", *RABAT, slots=[later, earlier])], {"c": RABAT}
    )
    assert result.assigned == {1: "early", 2: "late"}


def test_candidates_beyond_every_capacity_are_unplaced_in_the_order_met():
    places = [Place("p", *RABAT, slots=slots("p", 1))]
    result = assign([Candidate(n, "c") for n in (7, 3, 9)], places, {"c": RABAT})
    assert result.assigned == {7: "p-0"}
    assert result.unplaced == [3, 9]


def test_a_commune_without_a_centroid_takes_places_in_key_order():
    places = [Place("b", *RABAT, slots=slots("b", 1)), Place("a", None, None, slots=slots("a", 1))]
    assert places_by_distance(None, places) == [1, 0]
    result = assign([Candidate(1, "x"), Candidate(2, "x")], places, {})
    assert result.assigned == {1: "a-0", 2: "b-0"}


def test_a_candidate_given_twice_is_an_error():
    import pytest

    with pytest.raises(ValueError, match="twice"):
        assign(
            [Candidate(1, "c"), Candidate(1, "d")], [Place("p", *RABAT, slots=slots("p", 5))], {"c": RABAT}
        )


coordinates = st.tuples(st.floats(27.0, 36.0), st.floats(-13.0, -1.0))


@st.composite
def provinces(draw):
    place_count = draw(st.integers(1, 5))
    places = []
    for p in range(place_count):
        rooms = draw(st.lists(st.integers(0, 4), min_size=1, max_size=4))
        starts = draw(st.lists(st.integers(0, 20), min_size=len(rooms), max_size=len(rooms)))
        point = draw(st.one_of(st.none(), coordinates))
        places.append(
            Place(
                key=f"p{p}",
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
                slots=[
                    Slot(f"p{p}-s{i}", MORNING + timedelta(minutes=30 * start), room)
                    for i, (room, start) in enumerate(zip(rooms, starts, strict=True))
                ],
            )
        )
    communes = [f"c{n}" for n in range(draw(st.integers(1, 4)))]
    points = {commune: draw(st.one_of(st.none(), coordinates)) for commune in communes}
    candidate_communes = draw(st.lists(st.sampled_from(communes), max_size=40))
    candidates = [Candidate(key=n, commune=commune) for n, commune in enumerate(candidate_communes)]
    return places, points, candidates


@settings(max_examples=300, deadline=None)
@given(provinces())
def test_convocations_hold_every_rule(province):
    places, points, candidates = province
    result = assign(candidates, places, points)
    # Every candidate once: assigned or unplaced, never both, never twice.
    assert sorted([*result.assigned, *result.unplaced]) == sorted(c.key for c in candidates)
    assert set(result.assigned).isdisjoint(result.unplaced)
    assert len(result.assigned) + len(result.unplaced) == len(candidates)
    # No slot over capacity.
    capacity = {slot.key: slot.room for place in places for slot in place.slots}
    taken: dict[str, int] = {}
    for slot_key in result.assigned.values():
        taken[slot_key] = taken.get(slot_key, 0) + 1
    assert all(taken[key] <= capacity[key] for key in taken)
    room_left = {key: capacity[key] - taken.get(key, 0) for key in capacity}
    # Nobody is left out while a seat is free.
    if result.unplaced:
        assert sum(room_left.values()) == 0
    # Nearest place first, earliest slot first: whatever came before her choice is full (room only shrinks).
    place_of = {slot.key: place for place in places for slot in place.slots}
    commune_of = {c.key: c.commune for c in candidates}
    for candidate, slot_key in result.assigned.items():
        place = place_of[slot_key]
        order = [places[i] for i in places_by_distance(points.get(commune_of[candidate]), places)]
        for before in order[: order.index(place)]:
            assert all(room_left[slot.key] == 0 for slot in before.slots)
        mine = next(slot for slot in place.slots if slot.key == slot_key)
        for slot in place.slots:
            if (slot.starts_at, slot.key) < (mine.starts_at, mine.key):
                assert room_left[slot.key] == 0
    # The same input gives the same convocations.
    again = assign(candidates, places, points)
    assert again.assigned == result.assigned and again.unplaced == result.unplaced
