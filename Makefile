# The project's vocabulary: run, test, lint, format. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# What `make test` runs against: the real PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/usmle_quiz
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_ENV := DEBUG=false SECRET_KEY=test-only-not-secret-$$(hostname) ADMIN_URL=staff-test/ \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=testserver,localhost,127.0.0.1 LOG_LEVEL=WARNING

# Production-like values for `manage.py check --deploy`.
DEPLOY_ENV := DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') ADMIN_URL=staff-area/ \
	ALLOWED_HOSTS=quiz.example.org CSRF_TRUSTED_ORIGINS=https://quiz.example.org \
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) SECURE_PROXY_SSL_HEADER=true \
	EMAIL_URL=smtp://mailer:secret@mail.example.org:587

.PHONY: help
help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The venv is built once and reinstalled only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-nodeps.txt
	@test -x $(PY) || "$$(bin/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed ## build .venv with a Python >= 3.12

.PHONY: run
run: venv ## serve the demo on http://127.0.0.1:$(PORT) with the task worker (SQLite unless DATABASE_URL is set)
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo
	@# The task worker (password-reset mail) runs beside the server and stops with it.
	DEBUG=$${DEBUG:-true} $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT; \
		DEBUG=$${DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:$(PORT)

.PHONY: manage
manage: venv ## any manage.py command on the same database as make run, e.g. make manage ARGS="lint_bank"
	@# The development settings make run uses (DEBUG on, its SQLite file or DATABASE_URL), so a faculty member
	@# can import, export, lint or create a superuser without setting DEBUG or a SECRET_KEY by hand.
	@# Production stays strict: outside make, DEBUG is off and a missing SECRET_KEY stops every command.
	DEBUG=$${DEBUG:-true} $(PY) manage.py $(ARGS)

.PHONY: lint-bank
lint-bank: venv ## the item-writing linter over the demo bank file (make manage ARGS="lint_bank" for the database)
	DEBUG=$${DEBUG:-true} $(PY) manage.py lint_bank --file quizzes/fixtures/demo_bank.json

.PHONY: services
services: ## start PostgreSQL and Redis if they are not running
	@bin/services-up

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work here.
# They inject axe-core (package.json, pinned in package-lock.json) for the accessibility checks.
.PHONY: browser-deps
browser-deps: ## install Debian's Chromium and axe-core (npm ci) for the browser tests if missing
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium for the browser tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@chromium --version 2>/dev/null | head -1
	@test -f node_modules/axe-core/axe.min.js || { \
		echo "Installing axe-core for the browser tests (npm ci)"; \
		npm ci --no-audit --no-fund; }
	@node -p '"axe-core " + require("./node_modules/axe-core/package.json").version'

# Prometheus (promtool for the alert rule tests; the server and exporters for load runs) from Debian.
.PHONY: prometheus-deps
prometheus-deps: ## install Debian's Prometheus, promtool and the Redis and PgBouncer exporters if missing
	@command -v promtool >/dev/null 2>&1 && command -v prometheus-redis-exporter >/dev/null 2>&1 \
		&& command -v prometheus-pgbouncer-exporter >/dev/null 2>&1 || { \
		echo "Installing Prometheus and its exporters (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			prometheus prometheus-redis-exporter prometheus-pgbouncer-exporter >/dev/null; }
	@promtool --version 2>&1 | head -1

.PHONY: test
test: venv services browser-deps prometheus-deps ## the whole suite against PostgreSQL and Redis, then the journey through PgBouncer
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@# The demo bank must pass the item-writing linter (errors fail; warnings are printed).
	$(TEST_ENV) $(PY) manage.py lint_bank --file quizzes/fixtures/demo_bank.json
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-alerts
	@if [ -z "$(PYTEST_ARGS)" ]; then $(MAKE) --no-print-directory test-pgbouncer; fi

# The alert rules (deploy/prometheus/): the example config's syntax (its token file exists only on a real
# Prometheus host), the rules with every lint, then their unit tests (alerts_test.yml).
.PHONY: test-alerts
test-alerts: prometheus-deps ## promtool: check deploy/prometheus/ (config, rules) and run the alert rules' unit tests
	promtool check config --syntax-only deploy/prometheus/prometheus.yml
	promtool check rules --lint=all --lint-fatal deploy/prometheus/alerts.yml
	cd deploy/prometheus && promtool test rules alerts_test.yml

# The student journey again, through a real PgBouncer in transaction mode.
PGBOUNCER_TESTS := tests/usmle_quiz/test_pgbouncer.py tests/quizzes/test_take_block.py \
	tests/quizzes/test_finish_and_review.py tests/quizzes/test_answer_races.py \
	tests/leaderboard/test_board_page.py tests/leaderboard/test_concurrent_scoring.py
PGBOUNCER_TEST_ENV := $(TEST_ENV) DATABASE_URL=postgres://postgres@127.0.0.1:6432/usmle_quiz_pgb DB_PGBOUNCER=true

.PHONY: pgbouncer
pgbouncer: services ## start a local PgBouncer (transaction mode, pool of 10) on 127.0.0.1:6432
	@bin/pgbouncer-up

.PHONY: proxy
proxy: ## start HAProxy (deploy/haproxy.cfg) on 127.0.0.1:8080 in front of gunicorn on 127.0.0.1:$(PORT)
	APP_ADDR=127.0.0.1:$(PORT) bin/proxy-up

.PHONY: test-pgbouncer
test-pgbouncer: venv pgbouncer ## the student journey through PgBouncer in transaction mode
	@# PgBouncer keeps server connections to the test database open, so pytest could
	@# neither drop it nor create it afresh: close them, drop it directly, and let
	@# pytest create it through PgBouncer and leave it (--reuse-db) at the end.
	@psql -q -h 127.0.0.1 -p 6432 -U postgres -d pgbouncer -c "KILL test_usmle_quiz_pgb" >/dev/null 2>&1 || true
	@psql -q -h 127.0.0.1 -p 6432 -U postgres -d pgbouncer -c "RESUME test_usmle_quiz_pgb" >/dev/null 2>&1 || true
	@dropdb --if-exists -h 127.0.0.1 -p 5432 -U postgres test_usmle_quiz_pgb
	$(PGBOUNCER_TEST_ENV) $(PY) -m pytest --reuse-db $(PGBOUNCER_TESTS)

# Benchmarks run against their own throwaway database, never the test or dev one.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/usmle_quiz_bench
BENCH_ENV := DEBUG=false SECRET_KEY=bench-only-not-secret ADMIN_URL=staff-bench/ DATABASE_URL=$(BENCH_DATABASE_URL) \
	REDIS_URL=$(TEST_REDIS_URL) SECURE_SSL_REDIRECT=false LOG_LEVEL=WARNING

.PHONY: bench
bench: bench-draw bench-floor ## both benchmarks below

.PHONY: bench-floor
bench-floor: venv services ## each key page's throughput as a share of a trivial view's, same gunicorn
	$(PY) loadtests/run.py --floor --users 8 --duration 15s

.PHONY: profile
profile: venv services ## cProfile of each key page against the load database (after make bench-floor or a load run)
	$(PY) loadtests/profile_pages.py $(PROFILE_ARGS)

.PHONY: bench-draw
bench-draw: venv services ## time block building with 20,000 questions and a 5,000-answer history
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'usmle_quiz_bench'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres usmle_quiz_bench
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v 0
	$(BENCH_ENV) $(PY) manage.py bench_block_draw $(BENCH_ARGS)

# The item analysis benchmark: 20,000 questions and 10,000,000 first attempts in their own database.
IA_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/usmle_quiz_ia_bench
IA_ARGS ?= --students 1000000 --questions 20000 --attempts 10000000
.PHONY: bench-item-analysis
bench-item-analysis: venv services ## time the item analysis refresh on 1M students and 10M first attempts (IA_ARGS to shrink)
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'usmle_quiz_ia_bench'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres usmle_quiz_ia_bench
	$(BENCH_ENV) DATABASE_URL=$(IA_BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v 0
	$(BENCH_ENV) DATABASE_URL=$(IA_BENCH_DATABASE_URL) $(PY) manage.py bench_item_analysis $(IA_ARGS)

# The leaderboard benchmark: a million generated students in their own database.
LB_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/usmle_quiz_lb_bench
LB_BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
LB_BENCH_ENV := DEBUG=false SECRET_KEY=bench-only-not-secret ADMIN_URL=staff-bench/ DATABASE_URL=$(LB_BENCH_DATABASE_URL) \
	REDIS_URL=$(LB_BENCH_REDIS_URL) SECURE_SSL_REDIRECT=false LOG_LEVEL=WARNING ALLOWED_HOSTS=testserver
LB_STUDENTS ?= 1000000
LB_QUESTIONS ?= 20000
LB_ATTEMPTS ?= 10000000

.PHONY: bench-leaderboard
bench-leaderboard: venv services ## generate 1,000,000 students (once) and time the boards; updates docs/PERFORMANCE.md
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'usmle_quiz_lb_bench'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres usmle_quiz_lb_bench
	$(LB_BENCH_ENV) $(PY) manage.py migrate --noinput -v 0
	@# Generating 10,000,000 rows and rebuilding from them run for minutes: without the 5-s request timeout.
	$(LB_BENCH_ENV) DB_STATEMENT_TIMEOUT_MS=0 $(PY) manage.py generate_load_data --students $(LB_STUDENTS) --questions $(LB_QUESTIONS) --attempts $(LB_ATTEMPTS)
	$(LB_BENCH_ENV) DB_STATEMENT_TIMEOUT_MS=0 $(PY) manage.py rebuild_leaderboards --redis-only --if-missing
	$(LB_BENCH_ENV) $(PY) manage.py bench_leaderboard

# Every database benchmark the README lists, at a size CI can afford, in throwaway databases, so none of
# them rots unnoticed (.ci/run runs it; the figures it prints mean nothing at this size).
SMOKE_URL := postgres://postgres@127.0.0.1:5432
SMOKE_ENV := $(BENCH_ENV) REDIS_URL=redis://127.0.0.1:6379/11 ALLOWED_HOSTS=testserver DB_STATEMENT_TIMEOUT_MS=0
.PHONY: bench-smoke
bench-smoke: venv services ## bench-draw, bench-leaderboard, bench-item-analysis and bench-floor at a tiny size (CI)
	@for db in usmle_quiz_smoke_draw_bench usmle_quiz_smoke_lb_bench usmle_quiz_smoke_ia_bench; do \
		dropdb --if-exists -h 127.0.0.1 -U postgres $$db && createdb -h 127.0.0.1 -U postgres $$db; done
	@mkdir -p test-artifacts/bench-smoke && cp docs/PERFORMANCE.md test-artifacts/bench-smoke/PERFORMANCE.md
	$(SMOKE_ENV) DATABASE_URL=$(SMOKE_URL)/usmle_quiz_smoke_draw_bench $(PY) manage.py migrate --noinput -v 0
	$(SMOKE_ENV) DATABASE_URL=$(SMOKE_URL)/usmle_quiz_smoke_draw_bench $(PY) manage.py bench_block_draw \
		--questions 400 --history 100 --runs 3 --output test-artifacts/bench-smoke/draw.json
	$(SMOKE_ENV) DATABASE_URL=$(SMOKE_URL)/usmle_quiz_smoke_lb_bench $(PY) manage.py migrate --noinput -v 0
	$(SMOKE_ENV) DATABASE_URL=$(SMOKE_URL)/usmle_quiz_smoke_lb_bench $(PY) manage.py generate_load_data \
		--students 2000 --questions 300 --attempts 20000
	$(SMOKE_ENV) DATABASE_URL=$(SMOKE_URL)/usmle_quiz_smoke_lb_bench $(PY) manage.py rebuild_leaderboards --redis-only --if-missing
	$(SMOKE_ENV) DATABASE_URL=$(SMOKE_URL)/usmle_quiz_smoke_lb_bench $(PY) manage.py bench_leaderboard --requests 5 \
		--output test-artifacts/bench-smoke/leaderboard.json --doc test-artifacts/bench-smoke/PERFORMANCE.md
	$(SMOKE_ENV) DATABASE_URL=$(SMOKE_URL)/usmle_quiz_smoke_ia_bench $(PY) manage.py migrate --noinput -v 0
	$(SMOKE_ENV) DATABASE_URL=$(SMOKE_URL)/usmle_quiz_smoke_ia_bench $(PY) manage.py bench_item_analysis \
		--students 2000 --questions 300 --attempts 20000 --cohorts 4 --runs 1
	@for db in usmle_quiz_smoke_draw_bench usmle_quiz_smoke_lb_bench usmle_quiz_smoke_ia_bench; do dropdb -h 127.0.0.1 -U postgres $$db; done
	@# The floor bench (gunicorn, every key page, the login burst) for a few seconds a page: about 100 s.
	$(PY) loadtests/run.py --floor --users 2 --duration 5s

# Load runs: a production-like stack (gunicorn, DEBUG off, its own database
# usmle_quiz_load and Redis db 13) started and stopped by loadtests/run.py.
SCENARIO ?= mixed
USERS ?= 500
DURATION ?= 5m
LOAD_ENV := REDIS_URL=$(TEST_REDIS_URL)

.PHONY: loadtest
loadtest: venv services $(if $(PGBOUNCER),pgbouncer) ## SCENARIO=login|quiz|leaderboard|mixed|scale USERS=500 DURATION=5m [PGBOUNCER=1] [SPAWN_RATE=n] [REDIS_OUTAGE=90s] [LOAD_ARGS=...]
	$(PY) loadtests/run.py --scenario $(SCENARIO) --users $(USERS) --duration $(DURATION) $(if $(PGBOUNCER),--pgbouncer) $(if $(SPAWN_RATE),--spawn-rate $(SPAWN_RATE)) $(if $(REDIS_OUTAGE),--redis-outage $(REDIS_OUTAGE)) $(LOAD_ARGS)

# Faults under load: the mixed profile through PgBouncer while Redis, PgBouncer, a gunicorn
# worker and PostgreSQL are stopped and restarted in turn (this machine's real services).
CHAOS_USERS ?= 300
CHAOS_DURATION ?= 5m

.PHONY: chaos
chaos: venv services pgbouncer ## mixed load while Redis, PgBouncer, a worker and PostgreSQL die and return; prints the fault table
	$(PY) loadtests/run.py --scenario mixed --users $(CHAOS_USERS) --duration $(CHAOS_DURATION) --pgbouncer --chaos

.PHONY: loadtest-smoke
loadtest-smoke: venv services ## the 30-second mixed run with 50 students that CI runs
	$(PY) loadtests/run.py --scenario mixed --users 50 --duration 30s --spawn-rate 5

.PHONY: lint
lint: venv ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: format
format: venv ## ruff fix and format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: check
check: venv services ## migrations up to date; deploy checks clean with production settings
	DEBUG=true DATABASE_URL=sqlite:///:memory: $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

.PHONY: clean
clean: ## remove the venv, node_modules, collected static files and the SQLite database
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 .pytest_cache .ruff_cache
