# acc — the two set-up commands (see README):
#   make demo   installs what is missing, fetches MNIST, builds acc (only what it runs: the
#               front-end, acc-torch and their libraries; setup builds the viewer bundle),
#               runs recipes/quickstart.yaml
#   make test   installs what is missing, fetches MNIST, builds everything, runs every test
# Both start from a fresh Debian 12 machine (as root, or with sudo).

BUILD ?= build
JOBS ?= $(shell nproc)
ACC := $(BUILD)/acc

.PHONY: demo test setup build data bench clean reference

demo: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j$(JOBS) --target acc
	$(ACC) run recipes/quickstart.yaml

test: setup build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

setup:
	scripts/setup.sh

data:
	scripts/fetch_mnist.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j$(JOBS)

# Regenerates the recipe reference embedded in docs/recipes.md from the registries.
reference: build
	scripts/update_reference.sh $(ACC)

# Benchmarks acc against PyTorch, a bare C++ loop, scikit-learn and umap-learn (bench/README.md).
bench: $(BUILD)/build.ninja
	scripts/setup.sh --bench
	cmake --build $(BUILD) -j$(JOBS) --target acc acc_bench
	/usr/bin/python3 bench/run_bench.py --build $(BUILD)

clean:
	rm -rf $(BUILD)
