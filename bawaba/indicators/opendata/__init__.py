"""A campaign's open data (issue 15): the staff dashboard's aggregates without personal data, small counts suppressed
(decision 0029 and its nested sequel), built when the figures are refreshed and served as built; and the public,
read-only API (`api.py`)."""
