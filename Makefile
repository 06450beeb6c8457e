# `make run` and `make test` work on a fresh machine: they make .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

AXE := build/node_modules/axe-core/axe.min.js

.PHONY: run test lint typecheck imports unit bench bench-mail fuzz clean axe image stand-ins

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.run

run: $(VENV)/.run
	$(BIN)/flask --app main db upgrade
	$(BIN)/python -m serve --with-mail-relay

test: $(VENV)/.dev lint typecheck imports axe
	$(BIN)/pytest

# axe-core (npm) for the accessibility checks of the browser tests; skipped without npm.
axe: $(AXE)
$(AXE):
	if command -v npm >/dev/null; then \
		npm install --silent --prefix build --no-audit --no-fund --no-save axe-core@4.14.1; \
	else echo "npm is missing: the accessibility checks will skip"; fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

imports: $(VENV)/.dev
	$(BIN)/lint-imports

unit: $(VENV)/.dev
	$(BIN)/pytest tests/unit --no-cov

# The container image (deploy/Containerfile) with podman. IMAGE_BASE=local
# makes its base here with debootstrap (deploy/base-image.sh), for a machine
# with no registry; the host's CA bundle is lent to pip when it has one.
IMAGE ?= localhost/accounts:latest
IMAGE_BASE ?= docker.io/library/python:3.11-slim
CA_BUNDLE := /etc/ssl/certs/ca-certificates.crt
# Limits this machine grants a container (podman asks for more by default, and is refused).
NOFILE := $(shell bash -c 'ulimit -Hn')
# A build runs a few processes; the machine's own maximum is refused.
NPROC := 4096
PODMAN_BUILD := podman build --runtime runc --ulimit nofile=$(NOFILE):$(NOFILE) --ulimit nproc=$(NPROC):$(NPROC)
# The untagged images earlier builds of this project left behind (each build
# of changed code leaves one); nobody else's are touched.
PRUNE_OLD_BUILDS := for title in accounts accounts-postgres-stand-in accounts-redis-stand-in accounts-nginx-stand-in; do \
		podman image prune --force --filter label=org.opencontainers.image.title=$$title >/dev/null; done
PODMAN_INSTALLED := command -v podman >/dev/null && command -v runc >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc)
image:
	$(PODMAN_INSTALLED)
	if [ "$(IMAGE_BASE)" = local ]; then deploy/base-image.sh localhost/accounts-base:bookworm; fi
	$(PODMAN_BUILD) -f deploy/Containerfile -t $(IMAGE) \
		--build-arg BASE=$(if $(filter local,$(IMAGE_BASE)),localhost/accounts-base:bookworm,$(IMAGE_BASE)) \
		$(if $(wildcard $(CA_BUNDLE)),--volume $(CA_BUNDLE):/run/ca-bundle.crt:ro --build-arg PIP_CERT=/run/ca-bundle.crt) \
		.
	$(PRUNE_OLD_BUILDS)

# Stand-ins for the postgres, redis and nginx images deploy/compose.yaml names,
# for a machine with Debian's mirror but no registry (deploy/stand-ins/).
STAND_INS := postgres redis nginx
stand-ins:
	$(PODMAN_INSTALLED)
	deploy/base-image.sh localhost/accounts-base:bookworm
	for target in $(STAND_INS); do \
		$(PODMAN_BUILD) --target $$target -t localhost/accounts-$$target:stand-in deploy/stand-ins || exit 1; \
	done
	$(PRUNE_OLD_BUILDS)

# The fuzzers deeper than `make test` runs them: schemathesis with 500 examples
# per operation, and 2,000 random submissions of the pages' forms.
fuzz: $(VENV)/.dev
	FUZZ_EXAMPLES=500 $(BIN)/pytest tests/integration/test_schemathesis.py --no-cov -p no:cacheprovider
	FUZZ_EXAMPLES=2000 $(BIN)/pytest tests/integration/test_pages_fuzz.py --no-cov -p no:cacheprovider

# Load tests on loopback, bounded in time; installs wrk (Debian) when it is missing.
bench: $(VENV)/.run
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run_bench

# The outbox: 2,000 messages by one relay then two (PostgreSQL), and a 10-minute SMTP outage.
bench-mail: $(VENV)/.dev
	$(BIN)/python -m bench.mail throughput
	$(BIN)/python -m bench.mail outage

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
