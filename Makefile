# Entry points a person types. Everything installs what it needs first.
#   make demo   generate the example environment, plan it offline (plan gate included) and scan it
#   make scan   checkov and policies/ on the generated Terraform and every root's plan
#   make test   the test suite, scan included (what CI runs, with test-integration)
#   make test-integration  apply, verify, re-plan and destroy the example against moto (CI runs it too)
#   make bench  benchmarks (each prints its figures and fails below its target)
#   make graph  topology of $(ENV) as docs/topology-$(ENV).png (needs Graphviz: apt-get install graphviz)
#   make cost   monthly cost estimate of $(ENV) from pricing/<region>.yaml
#   make schema editor JSON Schema (schema/) and docs/catalog.md from the models

PYTHON ?= python3
ENV    ?= dev
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv demo generate validate plan scan test test-integration bench lock clean graph cost schema

# The virtualenv is rebuilt when the pinned dependencies change.
$(STAMP): pyproject.toml constraints.txt
	@command -v terraform >/dev/null || { echo "terraform (>= 1.10) must be on the PATH"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

validate: $(STAMP)
	$(BIN)/streamgen validate --env $(ENV)

generate: $(STAMP)
	$(BIN)/streamgen generate --env $(ENV)

plan: $(STAMP)
	$(BIN)/streamgen plan --env $(ENV) --offline

# Reuses the plans `plan` just made when nothing changed since.
scan: $(STAMP)
	$(BIN)/streamgen scan --env $(ENV)

demo: $(STAMP)
	$(BIN)/streamgen validate --env $(ENV)
	$(BIN)/streamgen generate --env $(ENV)
	$(BIN)/streamgen plan --env $(ENV) --offline
	$(BIN)/streamgen scan --env $(ENV)

test: $(STAMP)
	$(BIN)/pytest -m "not integration"

# One module-scoped deployment: a single worker, its report printed (-s).
test-integration: $(STAMP)
	$(BIN)/pytest -m integration -n 0 -s -q

graph: $(STAMP)
	@command -v dot >/dev/null || { echo "Graphviz is needed: apt-get install graphviz (or brew install graphviz)"; exit 1; }
	$(BIN)/streamgen graph --env $(ENV) --format png -o docs/topology-$(ENV).png

cost: $(STAMP)
	$(BIN)/streamgen cost --env $(ENV)

schema: $(STAMP)
	$(BIN)/streamgen schema

# Benchmarks: add yours as a prerequisite-free line here.
bench: $(STAMP)
	$(BIN)/python benchmarks/decoder_bench.py
	$(BIN)/python benchmarks/scale_bench.py

# Re-pin the whole dependency tree after editing pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ echo "# Every package of the dev environment, pinned (pip install -c constraints.txt -e '.[dev]')."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf .work .build .pytest_cache
