# Set-up and the two main jobs. Needs only Python 3.11 (or newer) and the package registries.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
# What the report needs (the package and the NB301 surrogate's runtime), then what the tests add.
CORE   := $(VENV)/.installed-core
FULL   := $(VENV)/.installed-test

.PHONY: report test bench data docs clean

$(CORE): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU build of torch first, so the open `torch>=2.2` requirement is already met.
	$(PY) -m pip install --progress-bar on torch==2.13.0
	$(PY) -m pip install --progress-bar on -e '.[nb301]'
	touch $(CORE)

# The tests also run the official-API importers, Ray, the notebooks, the documentation build and pytest.
$(FULL): $(CORE)
	$(PY) -m pip install --progress-bar on -e '.[nb201,nb301,ray,notebooks,dev,docs]'
	touch $(FULL)

data: $(CORE)
	$(PY) -m landscape.data ensure

report: data
	$(PY) -m landscape.report --out reports

# The documentation (pages + the API reference from the docstrings), warnings as errors, into site/.
docs: $(FULL)
	$(PY) -m mkdocs build --strict

test: $(FULL) data docs
	$(PY) -m pytest -q

bench: data
	$(PY) benchmarks/run.py --out benchmarks/results.json

clean:
	rm -rf $(VENV) site data/nb201 reports/*.png reports/*.svg reports/*.csv reports/*.md reports/*.html
