# Two commands do all the set-up on a fresh machine (README "Quickstart"):
#   make demo   parse the shipped example exports, fine-tune two personas, chat with both
#   make test   run the test suite
# Both create .venv and install the project (with the CPU build of torch) on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.k2d-installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml constraints-ci.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints-ci.txt -e '.[train,serve,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/demo.py

# The report/blind-test tests open the pages in Debian's headless chromium (CI=true fails them
# when it is missing, a dev machine skips them): install it once if we may.
test: $(STAMP)
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -q && apt-get install -y -q chromium chromium-driver; \
	else echo "make test: chromium + chromedriver not found and cannot install them here (needs root" \
	  "and apt-get): run 'sudo apt-get install -y chromium chromium-driver'; without them the" \
	  "browser tests of k2d eval --report/--blind skip, or fail when CI=true"; fi
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) benchmarks/bench_parse.py
	$(PY) benchmarks/bench_parse_floor.py
	$(PY) benchmarks/bench_pii.py
	$(PY) benchmarks/bench_finetune.py
	$(PY) benchmarks/bench_bank.py

clean:
	rm -rf $(VENV) demo-out
