# The two commands of the course (see README.md):
#   make test    unit tests, lint, notebook pairing checks, every notebook under nbval (quick)
#   make course  executes every notebook in the current profile into build/course/executed/,
#                then writes the student edition (build/course/student/) and the site
#                (build/course/site/index.html)
#   make site-check  opens every page of the site in headless Chromium (what .ci/run does)
# Both create .venv with the interpreter in $(PYTHON) if it is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS ?= cpu,dev
comma  := ,
STAMP  := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: test course site site-check lint unit notebooks smoke sync clean help

help:
	@echo "make test    - lint, unit tests, then all notebooks under nbval (quick profile)"
	@echo "               beside make smoke, one TensorFlow thread per process"
	@echo "make smoke   - every preset and notebook in the full profile, two steps each"
	@echo "make course  - run every notebook in the current profile, then the site and the"
	@echo "               student edition, into build/course/"
	@echo "make site-check - the site from the notebooks make test ran, checked in Chromium"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check .

# TensorFlow sizes its thread pools to every core, so two TensorFlow processes side by side
# ask for twice the cores, and the waiting threads spin: `python -m lowlight_utils.bench
# threads` measured (2026-12-03, 2 cores, quick Pix2Pix train steps per second of all
# processes) one process 5.88, two default processes together 5.87, two processes of one
# thread each 9.97 (1.70x). Every stage that runs processes side by side gives each one thread.
ONE_THREAD := TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1

# Unit tests are independent: pytest-xdist runs them on both cores (JOBS=1 for one process).
JOBS ?= 2
unit: $(STAMP)
	LOWLIGHT_PROFILE=quick $(if $(filter 1,$(JOBS)),,$(ONE_THREAD)) \
		$(BIN)/pytest -n $(JOBS) --durations=10 tests

# Seconds a notebook cell may take (a training cell takes minutes; make test runs two at once).
CELL_TIMEOUT ?= 1800
NOTEBOOKS ?= notebooks/
notebooks: $(STAMP)
	LOWLIGHT_PROFILE=quick $(BIN)/pytest --nbval-lax --nbval-current-env -p no:cacheprovider \
		--timeout $(CELL_TIMEOUT) --executed-dir build/course/executed $(NOTEBOOKS)

# The full profile, proven on a CPU: every report preset through the command line (train,
# evaluate, enhance), the LOL layout, and every notebook top to bottom, all with the full
# profile's sizes but one epoch of two steps and two evaluation images (LOWLIGHT_SMOKE=1).
# Runs and exported models go to a temporary folder, never mixed with real runs. Two
# independent halves, one thread each: the presets, notebooks 01 and 06; and notebooks 02-05
# in order (05 scores the models that 02-04 export). They run side by side, one per core,
# unless SMOKE_LANES=1 (one after the other: what make test uses, beside make notebooks).
NBVAL := --nbval-lax --nbval-current-env -p no:cacheprovider --timeout $(CELL_TIMEOUT)
SMOKE_LANES ?= 2
smoke: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && start=$$(date +%s) && \
	export LOWLIGHT_PROFILE=full LOWLIGHT_SMOKE=1 LOWLIGHT_RUNS_DIR="$$tmp/runs" \
		LOWLIGHT_MODELS_DIR="$$tmp/runs/models" $(ONE_THREAD) || exit 1; \
	presets() { $(BIN)/pytest -p no:cacheprovider tests/training/test_smoke.py && \
		$(BIN)/pytest $(NBVAL) notebooks/01_*.ipynb notebooks/06_*.ipynb; }; \
	if [ "$(SMOKE_LANES)" = 1 ]; then \
		$(BIN)/pytest $(NBVAL) notebooks/0[2-5]_*.ipynb; second=$$?; presets; first=$$?; \
	else \
		presets > "$$tmp/half.log" 2>&1 & half=$$!; \
		$(BIN)/pytest $(NBVAL) notebooks/0[2-5]_*.ipynb; second=$$?; \
		wait $$half; first=$$?; \
		echo "--- presets, notebooks 01 and 06 (run beside the above) ---"; \
		cat "$$tmp/half.log"; \
	fi; \
	echo "smoke (full profile, LOWLIGHT_SMOKE=1) finished in $$(( $$(date +%s) - start )) s"; \
	test $$first -eq 0 && test $$second -eq 0

# Every stage timed (CI's budget is 30 minutes on a 2-core machine). Lint and the unit tests
# first; then two lanes side by side, one thread per process (see ONE_THREAD): notebooks
# 02-06 (quick); and notebook 01 (quick) followed by the smoke runs (full, SMOKE_LANES=1).
# They share nothing (the smoke's runs and models go to a temporary folder; notebook 01
# writes nothing the others read), and the two lanes take about as long. The notebook times
# printed here are therefore one thread's on a shared CPU: `make notebooks` on its own
# measures the 4-minute budget of each notebook.
test: $(STAMP)
	@for stage in lint unit; do t0=$$(date +%s); \
		$(MAKE) --no-print-directory $$stage || exit 1; \
		echo "=== make $$stage took $$(( $$(date +%s) - t0 )) s"; done; \
	log=$$(mktemp) || exit 1; t0=$$(date +%s); \
	{ $(ONE_THREAD) $(MAKE) --no-print-directory notebooks NOTEBOOKS="notebooks/01_*.ipynb" \
	    > "$$log" 2>&1 && echo "=== notebook 01 took $$(( $$(date +%s) - t0 )) s" >> "$$log" && \
	  $(MAKE) --no-print-directory smoke SMOKE_LANES=1 >> "$$log" 2>&1; echo $$? > "$$log.rc"; \
	  echo "=== notebook 01 and make smoke took $$(( $$(date +%s) - t0 )) s" >> "$$log"; } & \
	$(ONE_THREAD) $(MAKE) --no-print-directory notebooks NOTEBOOKS="notebooks/0[2-6]_*.ipynb"; \
	nb=$$?; echo "=== notebooks 02-06 took $$(( $$(date +%s) - t0 )) s (beside the other lane)"; \
	wait; echo "--- notebook 01 and make smoke, run beside notebooks 02-06 ---"; cat "$$log"; \
	sm=$$(cat "$$log.rc"); rm -f "$$log" "$$log.rc"; \
	echo "=== notebooks and smoke took $$(( $$(date +%s) - t0 )) s together"; \
	test "$$nb" -eq 0 && test "$$sm" -eq 0

course: $(STAMP)
	$(BIN)/python -m lowlight_utils.courseware.runner

# The site and student edition from the notebooks `make test` executed (no second run).
site: $(STAMP)
	$(BIN)/python -m lowlight_utils.courseware.runner --no-execute --strict

site-check: site
	$(BIN)/python -m lowlight_utils.courseware.sitecheck build/course/site

# Re-pair every notebook with its script after editing either.
sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/*.ipynb

clean:
	rm -rf build .pytest_cache .ruff_cache
