# COPNet: `make run` starts the platform, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint install install-dev migrate demo clean messages

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_reference_data

run: migrate
	$(PY) manage.py ensure_admin
	@if [ "$(DEMO)" = "1" ]; then $(PY) manage.py seed_demo --cases 5000 --if-empty; fi
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py runplatform

test: $(DEV_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

messages: $(DEV_STAMP)
	$(PY) manage.py makemessages --locale vi --locale en --no-obsolete --no-location \
		--ignore ".venv/*" --ignore "var/*" --ignore "bench/*" --ignore "*/tests/*"
	$(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) var
