# Two commands set everything up: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo

.PHONY: demo test lint bench evaluate system-deps clean

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	@touch $(STAMP)

# Debian packages the PDF renderer and report checks (pdftoppm, headless Chromium) need; installed only when run as root
# on a Debian-family machine, otherwise a note says what to install.
DEB_PKGS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils chromium
# Java for the Spark engine and its parity test (PySpark 3.5-4.0 runs on Java 17), when no java.
JRE_PKG := openjdk-17-jre-headless
system-deps:
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  command -v java >/dev/null 2>&1 || missing="$$missing $(JRE_PKG)"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  fi; \
	else echo "note: for PDF reports install: $(DEB_PKGS); for --engine spark: Java 17 ($(JRE_PKG))"; fi

demo: $(STAMP)
	$(BIN)/smi demo $(DEMO_DIR)

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/network.py

# The insight engine's accuracy over 20 seeds (60 generated worlds, ~17 min on 2 cores): docs/accuracy.md
evaluate: $(STAMP)
	$(BIN)/smi evaluate --seeds 20 --jobs 2 --doc docs/accuracy.md

clean:
	rm -rf $(VENV) $(DEMO_DIR) bench/out
