.PHONY: run test e2e bench lint format messages

run:  ## the portal with demo data on SQLite at http://127.0.0.1:8000
	./scripts/run.sh

test:  ## ruff, migration check and the whole pytest suite on a throwaway PostgreSQL and Redis, then e2e
	./scripts/test.sh

e2e:  ## black-box run: an install from requirements.txt alone, production settings, driven over HTTP
	./scripts/e2e.sh

bench:  ## production-like stack, a replayed quota opening and a draw; BENCH_NODES=2: two nodes behind HAProxy and PgBouncer; figures in bench/results/latest.json
	./bench/run.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

messages:  ## refresh the translation catalogues after changing texts
	.venv/bin/python manage.py makemessages -l id --ignore ".venv/*" --ignore ".venv-e2e/*" --ignore "bench/*" --no-obsolete
