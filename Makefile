# The two commands of the course (see README.md):
#   make test    unit tests, lint, notebook pairing checks, every notebook under nbval (quick)
#   make course  executes every notebook in the current profile into build/course/
# Both create .venv with the interpreter in $(PYTHON) if it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS ?= cpu,dev
STAMP  := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
comma  := ,

.PHONY: test course lint unit notebooks sync clean help

help:
	@echo "make test    - lint, unit tests and all notebooks under nbval (quick profile)"
	@echo "make course  - run every notebook in the current profile into build/course/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	LOWLIGHT_PROFILE=quick $(BIN)/pytest tests

notebooks: $(STAMP)
	LOWLIGHT_PROFILE=quick $(BIN)/pytest --nbval-lax --nbval-current-env -p no:cacheprovider \
		notebooks/

test: lint unit notebooks

course: $(STAMP)
	$(BIN)/python -m lowlight_utils.course

# Re-pair every notebook with its script after editing either.
sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/*.ipynb

clean:
	rm -rf build .pytest_cache .ruff_cache
