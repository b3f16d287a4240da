# Oslohelsa — the front door. `make report` builds the report, `make test` runs every test.
# Both create .venv from pyproject.toml (pinned by requirements.lock) unless a suitable
# environment (conda or venv with the project installed) is already active.

SHELL := /bin/bash
VENV ?= .venv
LOCK := requirements.lock
SUITABLE := $(shell python -c "import helpers, papermill, nbval, typst, pypandoc" >/dev/null 2>&1 && [ -n "$$VIRTUAL_ENV$$CONDA_PREFIX" ] && echo yes)

ifeq ($(SUITABLE),yes)
PYTHON := python
STAMP :=
else
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
endif

export PYTHONHASHSEED := 0

.PHONY: report test test-fast bench lint clean install help lab data mutate

help:
	@echo "make report  - build the report (report/_output/index.html and oslohelsa.pdf)"
	@echo "make test    - run the whole test suite (pytest, nbval, end-to-end build)"
	@echo "make test-fast - the inner loop: unit, reference and data tests, no build (a minute or two)"
	@echo "make bench   - run the benchmarks"
	@echo "make lab     - open Jupyter Lab on the notebooks, in the project's environment"
	@echo "make mutate  - mutation testing (slow; MUTANTS=\"helpers.pipeline.suppress*\" scopes it)"
	@echo "make clean   - remove build outputs"
	@echo "make data    - (online, optional) fetch the catalogue's fetch: tables into data/raw"

install: $(STAMP)

$(VENV)/.installed: pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -c $(LOCK) -e ".[test]"
	$(VENV)/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (oslohelsa)" >/dev/null
	touch $@

report: $(STAMP)
	$(PYTHON) -m helpers.build

test: $(STAMP)
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# tests/unit, tests/reference and tests/data without the end-to-end ones (tests/e2e, nbval, and
# tests marked e2e: they build the report).
test-fast: $(STAMP)
	$(PYTHON) -m pytest tests/unit tests/reference tests/data -m "not e2e" $(PYTEST_ARGS)

data: $(STAMP)
	$(PYTHON) -m helpers.ingest.fetch

bench: $(STAMP)
	$(PYTHON) benchmarks/run.py

# Jupyter Lab from the project's environment, with its kernel registered ("Python 3 (oslohelsa)").
# LAB_ARGS passes options, e.g. `make lab LAB_ARGS=--no-browser`.
lab: $(STAMP)
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (oslohelsa)" >/dev/null
	$(PYTHON) -m jupyter lab $(LAB_ARGS) notebooks/innsatsomrade.ipynb

# Mutation testing (not part of `make test`): [tool.mutmut] in pyproject.toml lists the modules;
# MUTANTS filters mutant names, e.g. make mutate MUTANTS="helpers.pipeline.suppress* helpers.publish.x_swap_in*"
MUTANTS ?=
mutate: $(STAMP)
	$(PYTHON) -m mutmut run $(MUTANTS); status=$$?; $(PYTHON) -m mutmut results; exit $$status

lint: $(STAMP)
	$(PYTHON) -m ruff check src tests benchmarks
	$(PYTHON) -m ruff format --check src tests benchmarks

clean:
	rm -rf build kapitler report/_output report/.quarto .quarto mutants
