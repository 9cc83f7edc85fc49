# The course's two commands are `make test` and `make course` (README.md); `make help` lists
# every target. Each target creates .venv with $(PYTHON) and installs the package if needed.
# How `make test` and `make smoke` run their stages side by side: .ci/test-lanes.sh.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS ?= cpu,dev
comma  := ,
STAMP  := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
# Processes run side by side get one TensorFlow thread each (.ci/test-lanes.sh says why).
ONE_THREAD := TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1
# pytest-xdist workers for the unit tests (JOBS=1: one process, TensorFlow's own threads).
JOBS ?= 2
# Seconds a notebook cell may run (a training cell takes minutes; make test runs two at once).
CELL_TIMEOUT ?= 1800
NOTEBOOKS ?= notebooks/
# make smoke's two halves: 2 side by side, 1 one after the other.
SMOKE_LANES ?= 2
LANES := BIN=$(BIN) CELL_TIMEOUT=$(CELL_TIMEOUT) MAKE="$(MAKE)" bash .ci/test-lanes.sh

.PHONY: help test course site site-check lint unit notebooks smoke sync clean

help:  ## this list
	@awk -F':.*## ' '/^[a-z-]+:.*## /{printf "make %-11s %s\n", $$1, $$2}' Makefile

test: $(STAMP)  ## lint, unit tests, then notebooks (quick) beside make smoke
	@$(LANES) test

course: $(STAMP)  ## run every notebook, then write the site and student edition to build/course/
	@$(BIN)/lowlight course

site: $(STAMP)  ## the site and student edition from the notebooks make test executed
	$(BIN)/lowlight course --no-execute --strict

site-check: site  ## open every page of the site in headless Chromium
	$(BIN)/lowlight site-check build/course/site

lint: $(STAMP)  ## ruff over the package, the tests and the notebooks' scripts
	$(BIN)/ruff check .

unit: $(STAMP)  ## the unit tests and the package's doctests on JOBS cores
	LOWLIGHT_PROFILE=quick $(if $(filter 1,$(JOBS)),,$(ONE_THREAD)) $(BIN)/pytest -n $(JOBS) --durations=10 --doctest-modules lowlight_utils tests

notebooks: $(STAMP)  ## every notebook under nbval (quick), executed copies to build/course/executed/
	LOWLIGHT_PROFILE=quick $(BIN)/pytest --nbval-lax --nbval-current-env -p no:cacheprovider --timeout $(CELL_TIMEOUT) --executed-dir build/course/executed $(NOTEBOOKS)

smoke: $(STAMP)  ## every preset and notebook in the full profile, two steps each
	@$(LANES) smoke $(SMOKE_LANES)

sync: $(STAMP)  ## re-pair every notebook with its script after editing either
	$(BIN)/jupytext --sync notebooks/*.ipynb

clean:  ## remove build outputs and caches
	rm -rf build .pytest_cache .ruff_cache

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]" && touch $@
