"""The selection rules of a campaign: their one owner.

A campaign's rules are a JSON document stored as numbered versions (`CampaignRules`). Everything about that
document lives here, and every other place asks this package:

* `parser`: the pure parser (`parse_rules`, `Rules`, `RulesError` with structured problems), no Django;
* `eligibility`: who may be selected, for one candidate (the application form) as the selection sees it;
* `defaults`: the census defaults;
* `versions`: the newest version of a campaign, saving a new one, what a run fills in;
* `readable`: the one formatter that turns a rules document into labelled values for the pages;
* `problems`: a parser problem as a sentence in the reader's language;
* `rounding`: which communes rounding up the places favours, for the staff rules page.

Why here, in `campaigns`, and not in `selection`: see docs/decisions (the selection rules' owner). This module
imports nothing, so that `parser` and `eligibility` stay importable without Django (the selection's scoring,
a pure NumPy module, reads them).
"""
