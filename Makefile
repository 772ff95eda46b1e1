# gyeoljae — the two commands a newcomer needs:
#   make run    set up (first time only) and ingest data/raw into data/processed
#   make test   set up (first time only) and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint bench bench-nightly eval clean fixtures chromium audit

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/gyeoljae ingest data/raw --out data/processed

test: setup chromium
	$(BIN)/ruff check pipeline flows schemas tests
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check pipeline flows schemas tests
	$(BIN)/ruff format --check pipeline flows schemas tests
	$(BIN)/mypy

clean:
	rm -rf data/processed/* .prefect .pytest_cache

bench: setup
	$(BIN)/python scripts/bench.py

# 10,000 documents in the nightly mix through `gyeoljae ingest`, then an unchanged re-run (~8 min)
bench-nightly: setup
	$(BIN)/python scripts/bench.py --nightly --json build/bench-nightly.json

eval: setup
	$(BIN)/python -m pipeline.evaluate

# Regenerate tests/fixtures/pdf (committed): needs a Korean TTF, Debian's fonts-nanum.
fixtures: setup
	test -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf || \
	  (apt-get install -y -q fonts-nanum || sudo apt-get install -y -q fonts-nanum)
	$(BIN)/python scripts/make_pdf_fixtures.py

# The HTML audit pages of the last `make run` (build/audit/index.html; see "Auditing a document").
audit: setup
	$(BIN)/gyeoljae audit --from data/processed --out build/audit

# Debian's chromium and a Korean font, for the browser test in tests/test_audit.py: installed
# when missing and running as root with apt-get (~60 s on a fresh machine, before pytest starts,
# so it does not count against the suite's time); otherwise that test is skipped, with the reason.
chromium:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-nanum; } || \
	  echo "chromium is not installed (needs apt-get as root): the browser test will be skipped"
