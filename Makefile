# The two set-up commands of the README: `make demo` and `make test`.
# Everything they need is installed here, into .venv, on a fresh machine.

VENV ?= .venv
BIN = $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PORT ?= 8000

.PHONY: demo test test-sqlite test-postgres install chromium bench

$(BIN)/treem: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# vietnamadminunits carries the official unit lists; its own dependency
	# Unidecode is GPL, and Treem only reads the package's data files.
	$(BIN)/pip install --quiet --no-deps vietnamadminunits==1.0.4
	touch $(BIN)/treem

install: $(BIN)/treem

demo: install
	$(BIN)/treem demo --port $(PORT)

# Browser tests drive Debian's chromium; install it if it is not there.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x /usr/bin/chromium || { echo "Cần Debian chromium (/usr/bin/chromium) cho kiểm thử trình duyệt"; exit 1; }

test-sqlite: install chromium
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not demo"

test: test-sqlite test-postgres

bench: install
	$(BIN)/python -m bench.parse_plan
