# Factcheck — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app factcheck
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install install-test lint format serve worker clean messages train train-attribution train-boundary

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: install, migrate the SQLite database in instance/, load the demo, serve on :5000 (with the worker)
run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	trap 'kill 0' INT TERM EXIT; $(FLASK) worker --loop & $(FLASK) run --host $(HOST) --port $(PORT)

## make test: install the test extras and run the whole suite (FACTCHECK_TEST_DATABASE_URL=postgresql://… for PostgreSQL)
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make messages: extract the marked texts (babel.cfg), update the es/fr/de/pt catalogs, compile them
TRANSLATIONS := factcheck/translations
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k N_ --no-location --sort-output --width 100 \
		--project=Factcheck -o $(TRANSLATIONS)/messages.pot .
	for lang in es fr de pt; do \
		if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel -q update --no-fuzzy-matching --width 100 -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
		else $(BIN)/pybabel -q init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; fi; \
	done
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

## make train: retrain the engine's shipped models from the benchmark corpora (FACTCHECK_BENCH_DATA,
## default /work/cache/factcheck-bench; docs/data-sources.md), deterministically
train: train-attribution train-boundary

## make train-attribution: the source tagger of speakers, on PolNeAR train (about a minute on one core)
train-attribution: install
	$(BIN)/python -m factcheck.text.splitting.train_attribution

## make train-boundary: the sentence-boundary model (factcheck/text/splitting/models/boundary.json.gz)
train-boundary: install
	$(BIN)/python scripts/train_boundary.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check factcheck tests

format: install-test
	$(BIN)/ruff format factcheck tests
	$(BIN)/ruff check --fix .

## make serve: production-style server (gunicorn) on the configured database
serve: install
	$(FLASK) db upgrade
	FACTCHECK_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## make worker: run the job queue until stopped: webhook sends (retries with back-off), notice e-mails
## and the daily due-tomorrow notices, URL imports, and PDF renders, in two processes so a long render never holds
## up a webhook or a mail
worker: install
	trap 'kill 0' INT TERM EXIT; $(FLASK) worker --loop --kind render & $(FLASK) worker --loop --kind webhook --kind notice_mail --kind url_import

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
