# Détente: two commands for a new user.
#   make demo   creates .venv, installs, runs the flagship analysis and writes the Korea 2019 brief
#   make test   creates .venv too, then runs lint, type checks and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: demo test lint typecheck unit bench sysdeps schema clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

sysdeps:
	@bash scripts/system-deps.sh

demo: $(STAMP) sysdeps
	@echo "== 1/4 Validate the shipped scenarios"
	@$(BIN)/detente validate scenarios/*.yaml
	@echo; echo "== 2/4 Analyze the flagship (see it: detente show scenarios/korea-2019.yaml)"
	@$(BIN)/detente analyze scenarios/korea-2019.yaml
	@echo; echo "== 3/4 Sequence the Nash package into a roadmap"
	@$(BIN)/detente roadmap scenarios/korea-2019.yaml --concept nash --objective exposure --chart $(OUT)/korea-2019-roadmap.png --force
	@echo; echo "== 4/4 Write the brief for principals"
	@$(BIN)/detente brief scenarios/korea-2019.yaml -o $(OUT)/korea-2019-brief.html -o $(OUT)/korea-2019-brief.pdf --force
	@echo; echo "Next: the workspace (docs/workspace.md): $(BIN)/detente serve"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) sysdeps
	$(BIN)/python -m pytest -n 2

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py

schema: $(STAMP)
	@for n in $$($(BIN)/python -c "from detente.outputs import SCHEMAS; print(' '.join(SCHEMAS))"); do \
	  $(BIN)/detente schema $$n > schema/$$n.schema.json; done

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
