# Biên chế — `make demo` runs the app on SQLite; `make test` runs the whole suite.
PYTHON := $(shell scripts/find-python)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PROVINCE ?= 66
SEED ?= 1
HOST ?= 127.0.0.1:8000

.PHONY: install messages makemessages migrate demo-data demo serve test lint bench clean

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12+ not found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

messages: install
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0

migrate: install
	$(MANAGE) migrate --verbosity 0

demo-data: migrate
	$(MANAGE) load_units
	$(MANAGE) seed_demo --province $(PROVINCE) --seed $(SEED)
	$(MANAGE) demo_users --province $(PROVINCE)

serve: messages
	$(MANAGE) runserver $(HOST)

demo: messages demo-data serve

test: messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench: install
	@test -n "$(DATABASE_URL)" || { echo "bench needs DATABASE_URL (PostgreSQL with seed_demo --province all, see README)" >&2; exit 1; }
	$(PY) bench/report_bench.py --province $(PROVINCE)

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles

makemessages: install
	$(MANAGE) makemessages -l vi --ignore=.venv --ignore=staticfiles --no-obsolete --add-location file
