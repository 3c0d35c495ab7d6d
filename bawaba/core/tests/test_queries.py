"""ProbedExists: the same rows as EXISTS, and on PostgreSQL a subquery the planner cannot turn into a hash."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from bawaba.core.models import AuditEvent
from bawaba.core.queries import ProbedExists

pytestmark = pytest.mark.django_db


def test_probed_exists_finds_the_same_rows_as_exists():
    for action in ("a", "b", "c"):
        AuditEvent.objects.create(action=action, target_id=action)
    same_target = AuditEvent.objects.filter(target_id=OuterRef("action"), action__in=["a", "c"])

    def matching(exists) -> list[str]:
        query = AuditEvent.objects.filter(Q(action="b") | Q(exists(same_target))).order_by("action")
        return list(query.values_list("action", flat=True))

    assert matching(ProbedExists) == matching(Exists) == ["a", "b", "c"]


def test_on_postgresql_the_subquery_carries_an_offset():
    query = AuditEvent.objects.filter(ProbedExists(AuditEvent.objects.filter(pk=OuterRef("pk"))))
    compiled, _ = query.query.get_compiler(connection=connection).as_sql()
    assert ("OFFSET 0)" in compiled) == (connection.vendor == "postgresql")
    assert query.count() == 0
