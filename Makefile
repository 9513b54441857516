# Thin wrapper over CMake. `make run` and `make test` work on a fresh Debian 12 machine.
BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

# Warnings are errors for `make test` (and CI), not for `make run`.
WERROR ?= OFF

.PHONY: all deps configure build run test unit integration bench memory-bench compat clean format format-check asan

all: build

deps:
	@tools/install-deps.sh

# Configured on every build (a no-op when nothing changed), so switching between
# `make run` and `make test` applies the right RKV_WERROR value.
configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DRKV_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/reactorkv-server conf/reactorkv.conf

# The compat check (replies byte for byte against Debian's redis-server) runs first so
# that ctest's summary is the last thing printed.
test: WERROR = ON
test: build format-check
	RKV_SERVER=$(BUILD_DIR)/reactorkv-server tools/compat-check.sh
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	python3 tools/bench.py --server $(BUILD_DIR)/reactorkv-server

memory-bench: build
	python3 tools/memory_bench.py --server $(BUILD_DIR)/reactorkv-server

# Byte-for-byte replies against Debian's redis-server (needs ../shared/tools/resp-diff.py).
compat: build
	RKV_SERVER=$(BUILD_DIR)/reactorkv-server tools/compat-check.sh

# Sanitizer builds make GCC 12 report false -Wmaybe-uninitialized inside libstdc++, so
# this build keeps warnings as warnings (the plain `make test` build enforces them).
asan:
	$(MAKE) BUILD_DIR=build-asan WERROR=OFF CMAKE_FLAGS="-DRKV_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo" test

FORMAT_FILES = $(shell git ls-files --cached --others --exclude-standard 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'tools/*.cc' 2>/dev/null)

format:
	clang-format -i $(FORMAT_FILES)

# Fails when a tracked source file differs from .clang-format's layout.
format-check:
	@if command -v clang-format >/dev/null; then \
	  clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: ok"; \
	else echo "format-check: skipped (clang-format not installed)"; fi

clean:
	rm -rf $(BUILD_DIR) build-asan
