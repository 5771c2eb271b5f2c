# Practice Hub. `make run` to serve locally, `make test` for the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Stamps: the runtime requirements (make run), then the development ones (tests, lint, CI).
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: help venv setup run test test-browser lint format assets bench browser screenshots clean

help:
	@echo "make run           set up (runtime venv, migrate, content, demo users), serve on http://$(HOST):$(PORT) with a worker"
	@echo "                   (another port: make run PORT=8001)"
	@echo "make venv          the virtualenv with the development tools too (tests, lint)"
	@echo "make test          run the whole test suite (needs Chromium for tests/browser)"
	@echo "make test-browser  run only the real-browser tests"
	@echo "make lint          ruff and djlint"
	@echo "make assets        rebuild static/vendor from package.json (needs Node)"
	@echo "make screenshots   refresh docs/images from a running make run (same PORT)"
	@echo "make bench         the workforce benchmark on PostgreSQL (BENCH_ARGS=--quick for a short one; see bench/README.md)"

$(RUNTIME): requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(DEV): $(RUNTIME) requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

venv: $(DEV)

# Demo users last, so that their names and password are the last lines before the server's.
setup: $(RUNTIME)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_knowledge_bite
	$(PY) manage.py load_checklist_templates
	$(PY) manage.py create_demo_users

# The web server and one task worker, under honcho; Ctrl-C stops both.
run: setup
	@PATH="$(abspath $(VENV))/bin:$$PATH" HOST=$(HOST) WEB_PORT=$(PORT) $(VENV)/bin/honcho start

# Chromium comes from Debian's packages; install it when it is missing and we are allowed to.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-liberation >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' for the browser tests." >&2; exit 1; fi; }

test: venv browser
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

test-browser: venv browser
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest tests/browser $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

assets:
	npm ci
	npm run build

bench: venv
	bash bench/run.sh $(BENCH_ARGS)

# The README's screenshots, from a server that `make run` (same HOST and PORT) is serving.
screenshots: venv browser
	BASE_URL=http://$(HOST):$(PORT) $(PY) scripts/checklist_screenshots.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
