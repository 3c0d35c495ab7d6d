"""The decision notices and invitations of the training stage (filled by the notices work of issue 12)."""

from typing import Any


def notify_publication(*, run: Any, actor: Any) -> None:
    """The decision notices of a published preselection, written in its publication's transaction."""


def invite_promoted(*, promotion_round: Any, actor: Any) -> None:
    """The invitations of the candidates a promotion round promoted, written in the round's transaction."""
