# Thin wrapper over CMake. `make run` and `make test` work on a fresh Debian 12 machine.
BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps build run test unit integration bench clean format asan

all: build

deps:
	@tools/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt tests/CMakeLists.txt | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/reactorkv-server conf/reactorkv.conf

test: CMAKE_FLAGS += -DRKV_WERROR=ON
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	python3 tools/bench.py --server $(BUILD_DIR)/reactorkv-server

asan:
	$(MAKE) BUILD_DIR=build-asan CMAKE_FLAGS="-DRKV_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo" test

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'tools/*.cc')

clean:
	rm -rf $(BUILD_DIR) build-asan
