"""Who is convoked where and when: the assignment of candidates to interview slots (issue 14, item 2). Pure.

The rule, as the issue states it: **nearest place first, then the earliest slot with room, by commune.**

* Candidates are taken commune by commune (communes in key order; within a commune, in the order given: the
  caller passes them by application, so the result does not depend on anything else), so that the candidates of
  one commune land together as long as a place has room for them.
* For a candidate, the places are tried from the nearest to her commune's centroid (great-circle distance; ties
  and communes without a centroid fall back to the places' key order), and at the first place with any room left
  she takes its earliest slot with room (slots by start time, then key).
* No slot is ever filled beyond its capacity, and no candidate is given two slots: each appears once in the
  result, either assigned or unplaced (every place full).

Capacities are what is left: a new round of convocations passes the room left after the convocations already
sent, and the candidates still without one. Work is O(candidates + communes × places log places): a pointer per
place to its first slot with room only moves forward, because room only shrinks.
"""

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Slot:
    key: Hashable
    starts_at: datetime
    room: int  # places left in the slot


@dataclass(frozen=True)
class Place:
    key: Hashable
    latitude: float | None
    longitude: float | None
    slots: Sequence[Slot]


@dataclass(frozen=True)
class Candidate:
    key: Hashable
    commune: Hashable


@dataclass
class Convocations:
    assigned: dict[Hashable, Hashable] = field(default_factory=dict)  # candidate key -> slot key
    unplaced: list[Hashable] = field(default_factory=list)  # candidate keys, in the order they were met


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points in degrees (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def places_by_distance(point: tuple[float, float] | None, places: Sequence[Place]) -> list[int]:
    """Indexes of `places`, nearest first; without a point (or for a place without one), by key order after."""

    def order(index: int) -> tuple[float, str]:
        place = places[index]
        if point is None or place.latitude is None or place.longitude is None:
            return (math.inf, str(place.key))
        return (distance_km(point, (place.latitude, place.longitude)), str(place.key))

    return sorted(range(len(places)), key=order)


class _PlaceRoom:
    """The room left in one place's slots, with a pointer to its earliest slot that still has some."""

    __slots__ = ("keys", "room", "next")

    def __init__(self, place: Place):
        slots = sorted(place.slots, key=lambda slot: (slot.starts_at, str(slot.key)))
        self.keys = [slot.key for slot in slots]
        self.room = [max(0, slot.room) for slot in slots]
        self.next = 0
        self._skip_full()

    def _skip_full(self) -> None:
        while self.next < len(self.room) and self.room[self.next] == 0:
            self.next += 1

    @property
    def has_room(self) -> bool:
        return self.next < len(self.room)

    def take(self) -> Hashable:
        key = self.keys[self.next]
        self.room[self.next] -= 1
        self._skip_full()
        return key


def assign(
    candidates: Iterable[Candidate],
    places: Sequence[Place],
    commune_points: Mapping[Any, tuple[float, float] | None],
) -> Convocations:
    """Convoke `candidates` into the slots of `places` (one province's, typically); see the module's rule."""
    by_commune: dict[Hashable, list[Hashable]] = defaultdict(list)
    for candidate in candidates:
        by_commune[candidate.commune].append(candidate.key)
    rooms = [_PlaceRoom(place) for place in places]
    result = Convocations()
    seen: set[Hashable] = set()
    for commune in sorted(by_commune, key=str):
        order = places_by_distance(commune_points.get(commune), places)
        position = 0  # places before it are full: room only shrinks, so the walk never goes back
        for key in by_commune[commune]:
            if key in seen:
                raise ValueError(f"candidate {key!r} given twice")
            seen.add(key)
            while position < len(order) and not rooms[order[position]].has_room:
                position += 1
            if position == len(order):
                result.unplaced.append(key)
            else:
                result.assigned[key] = rooms[order[position]].take()
    return result
