# Bawaba: `make demo` and `make test` are the two commands a newcomer needs (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
MANAGE := $(PY) manage.py
SCALE ?= 0.02
SEED ?= 2024
# The public seed of the demo's preselection draw. A real campaign announces its seed before the run (the numbers
# of a public draw and its date); anyone can then recompute every lottery number (docs/selection.md, "Ties").
SELECTION_SEED ?= tirage public de la démonstration Bawaba
DEMO_CAMPAIGN := rgph-2024
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process, e.g. to debug a test.
TEST_WORKERS ?= auto
# The packages mypy checks in `make lint`; add one once it is clean.
MYPY_PACKAGES ?= bawaba/core bawaba/accounts bawaba/portal bawaba/selection bawaba/notifications bawaba/pages bawaba/training bawaba/documents bawaba/interviews bawaba/fieldwork bawaba/indicators bawaba/campaigns bawaba/territory bawaba/demo

# Nothing is exported: a checkout is local unless its environment says it is deployed (docs/decisions/0005).

.PHONY: install demo demo-data serve test test-postgres screenshots lint format messages bench clean

$(VENV)/.installed: requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(UV) pip sync --quiet --python $(PY) requirements/dev.txt
	touch $@

# axe-core for the browser tests' accessibility check (docs/decisions/0017), pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --silent && touch $@; \
	else \
		echo "npm not found: axe-core is not installed, and the browser tests fail (apt-get install npm)."; \
	fi

install: $(VENV)/.installed node_modules/.installed

# The demo's dates count from the day generate_demo runs; a second run keeps the data (and the published run).
demo-data: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_territory
	$(MANAGE) generate_demo --scale $(SCALE) --seed $(SEED)
	@# Publishing happens once per campaign stage: a second `make demo` keeps the published preselection.
	$(MANAGE) run_selection --campaign $(DEMO_CAMPAIGN) --seed "$(SELECTION_SEED)" --publish --unless-published
	@# The preselected are asked for their supporting documents; the review is under way (once: then no change).
	$(MANAGE) demo_documents --seed $(SEED)
	@# The hand-over to the e-learning platform releases the held invitations (the demo candidate gets hers).
	mkdir -p var/demo
	$(MANAGE) export_moodle --campaign $(DEMO_CAMPAIGN) --output var/demo/moodle-users.csv --unless-exported
	@# A completion report of the e-learning platform for the accounts handed over, imported (again: no change).
	$(MANAGE) demo_progress_report --campaign $(DEMO_CAMPAIGN) --output var/demo-progress-report.csv
	@if [ -s var/demo-progress-report.csv ]; then \
		$(MANAGE) import_progress --campaign $(DEMO_CAMPAIGN) var/demo-progress-report.csv; fi
	@# The interviews held (today's session in Kénitra awaits the demo interviewer) and the final selection published.
	$(MANAGE) demo_interviews --seed $(SEED)
	@# The indicators' summary figures, as of now (the demo's server refreshes them every five minutes).
	$(MANAGE) refresh_indicators

demo: demo-data
	@$(MANAGE) demo_guide --port $(PORT)
	$(MANAGE) rundemo --port $(PORT)

serve: install
	@$(MANAGE) demo_guide --port $(PORT)
	$(MANAGE) rundemo --port $(PORT)

test: install
	@if command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium; then \
		echo "Browser tests: Chromium found at $$(command -v chromium || echo /usr/bin/chromium); they run."; \
	else \
		echo "Browser tests: NO Chromium found, they are SKIPPED (apt-get install chromium to run them)."; \
	fi
	$(PY) -m pytest --create-db -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The main pages in Arabic and French at 390 and 1366 px, into test-artifacts/screenshots/gallery/ (index.html).
screenshots: install
	BAWABA_SCREENSHOTS=1 $(PY) -m pytest --create-db -m screenshots tests/screenshots $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The layers of docs/architecture.md: imports go down only, nothing imports the demo, no app imports another's views.
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy $(MYPY_PACKAGES)
	$(MANAGE) makemigrations --check --dry-run
	@# The compiled catalogues are committed and compilemessages skips a .mo not older than its .po (a fresh clone's
	@# files share one time): a stale .mo would go unnoticed and the pages would show English.
	@for po in locale/*/LC_MESSAGES/django.po; do \
		msgfmt --check-format -o - $$po | cmp -s - $${po%.po}.mo || { \
			echo "$${po%.po}.mo does not match $$po: run make messages and commit both"; exit 1; }; \
	done
	$(MANAGE) compilemessages --ignore=$(VENV) >/dev/null
	@# French strings missing from a catalogue would fall back to Arabic: every entry must be translated.
	@for po in locale/*/LC_MESSAGES/django.po; do \
		if [ -n "$$(msgattrib --untranslated --no-obsolete $$po; msgattrib --only-fuzzy --no-obsolete $$po)" ]; then \
			echo "$$po has untranslated or fuzzy entries (msgattrib --untranslated / --only-fuzzy $$po)"; exit 1; \
		fi; \
	done

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(MANAGE) makemessages -l ar -l fr --no-location --ignore=$(VENV) --ignore=var --ignore=node_modules
	$(MANAGE) compilemessages --ignore=$(VENV)

# Regenerate the lock files after changing pyproject.toml.
lock: install
	$(UV) pip compile -q pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	$(UV) pip compile -q pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

bench: install
	$(PY) bench/bench_password_hash.py

clean:
	rm -rf $(VENV) var test-artifacts node_modules
