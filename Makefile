# The two commands a newcomer needs (see README.md):
#   make demo   set up .venv on first use, then run the main job on the built-in default
#   make test   set up .venv on first use, then lint and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/hpfsim run

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks
	$(BIN)/ruff format --check sim tests benchmarks

# The what-if page's browser test (tests/test_whatif_browser.py) needs headless Chromium: install
# Debian's package where it is missing and we may (root with apt-get, as on CI); elsewhere the
# test skips and says so.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium missing and not installable here (needs root and apt-get):" \
	    "the browser test will skip"; fi; }

test: lint browser
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ledger.py
	$(BIN)/python benchmarks/bench_agents.py
	$(BIN)/python benchmarks/bench_loans.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_compare.py --mc

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
