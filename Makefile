# Two commands on a fresh machine: `make run` and `make test`. Everything else is installed here.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install python-deps node-deps assets messages chromium espeak ffmpeg services lint bench clean

run: install espeak ffmpeg
	./scripts/run-dev

test: install chromium espeak ffmpeg services
	./scripts/run-tests

install: python-deps node-deps assets messages

python-deps: .venv/.installed
.venv/.installed: requirements.txt
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node-deps
	npm run --silent build

# gettext's msgfmt comes from Debian's gettext package.
messages: python-deps
	command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# Browser tests drive Debian's chromium through PyPI playwright (never `playwright install`).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# The dictionary's server-made pronunciation (English, and Chinese through its pinyin voice).
espeak:
	@command -v espeak-ng >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng)

# The demo teachers' intro videos are made at seed time from ffmpeg's test pattern (tenant_apps/website/demo_media.py).
ffmpeg:
	@command -v ffmpeg >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg)

# Postgres and Redis for the tests: started if they are not running.
services:
	./scripts/ensure-services

lint: python-deps
	.venv/bin/ruff check .

bench: install espeak
	./bench/run-all

clean:
	rm -rf .venv node_modules static/dist staticfiles .pytest_cache
