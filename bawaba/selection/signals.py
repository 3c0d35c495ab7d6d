"""What the selection tells the stages above it, which it cannot import (docs/architecture.md, "The layers").

Both are sent inside the transaction that writes the event, so that what a receiver writes (a mailing, training
accounts) commits with it or not at all.
"""

from django.dispatch import Signal

# A run was published: `run` (SelectionRun, its decisions written). Sent by services.publication.publish_run.
run_published = Signal()

# A promotion round was recorded: `promotion_round` (PromotionRound, its promotions and decisions written).
# Sent by services.promotion.run_promotion_round.
promotion_round_recorded = Signal()
