# gbanews: `make run` serves the demo site on SQLite; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute links (canonical, pagination, feeds, share links) follow the port served.
SITE_URL ?= http://$(HOST):$(PORT)
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime

.PHONY: install catalogues run worker test test-browser test-nginx lint format check demo clean bench \
	s3-server replica replica-stop fleet

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `make run` needs only the runtime packages; tests and linters add the rest.
$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(RUNTIME_STAMP)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP) $(RUNTIME_STAMP)

install: $(STAMP)

# The interface translations (locale/*.po -> .mo) with polib, no GNU gettext needed.
catalogues: $(RUNTIME_STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py compile_catalogues

demo: $(RUNTIME_STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py create_demo_accounts

run: demo catalogues
	@echo "Serving http://$(HOST):$(PORT)/ (admin at /admin/)"
	DJANGO_DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# A Celery worker with its beat embedded (-B), for a single server: needs the same
# CELERY_BROKER_URL as the site (docs/deploy.md "Task queue").
worker: $(RUNTIME_STAMP)
	@test -n "$(CELERY_BROKER_URL)" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1)."; exit 1; }
	$(BIN)/python -m celery -A gbanews worker -B --loglevel INFO --schedule $(VENV)/celerybeat-schedule

# Every production part on this machine, driven over HTTP (tests/test_fleet.py):
# PostgreSQL and a streaming replica, Redis, SeaweedFS, a Celery worker with beat and
# two gunicorn servers.
FLEET_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
FLEET_REDIS_URL ?= redis://127.0.0.1:6379/12
fleet: install
	DATABASE_URL=$(FLEET_DATABASE_URL) REDIS_URL=$(FLEET_REDIS_URL) \
		$(BIN)/python -m pytest -m fleet $(PYTEST_ARGS)

test: install catalogues
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: install
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# The shipped nginx configuration in front of gunicorn (tests/test_nginx.py).
test-nginx: install
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || apt-get install -y nginx
	$(BIN)/python -m pytest -m nginx $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py check
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# SeaweedFS's S3 gateway in the foreground on 127.0.0.1:$(S3_PORT), bucket "media"
# readable by anyone, data in s3data/; it prints the MEDIA_S3_* settings to use.
S3_PORT ?= 8333
s3-server: install
	$(BIN)/python -m tests.s3server --dir s3data --port $(S3_PORT)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache

# Load test on the benchmark data shape (see bench/run.py and docs/performance.md).
bench: install
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A streaming read replica of the local PostgreSQL server (deploy/replica.sh), for
# DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$(REPLICA_PORT)/<database>.
REPLICA_PORT ?= 5433
REPLICA_DIR ?= /var/tmp/gbanews-replica-$(REPLICA_PORT)

replica:
	deploy/replica.sh start $(REPLICA_DIR) $(REPLICA_PORT)

replica-stop:
	deploy/replica.sh stop $(REPLICA_DIR)
