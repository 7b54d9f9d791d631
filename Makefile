# Everything a fresh clone needs: `make test` runs every suite, `make demo` the sandbox rollout.
# Nothing is installed by hand: the venv, the collection layout and the tools are prepared here.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
BUILD       := .build
RESULTS     := $(BUILD)/results
# ansible-test and Ansible's loader need the repo at ansible_collections/<namespace>/<name>.
COLL_ROOT   := $(BUILD)/collections
COLL_LINK   := $(COLL_ROOT)/ansible_collections/webops/https_rollout

export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLL_ROOT)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := true
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help venv layout test sanity unit fidelity integration lint changelog-lint build bench bench-compare clean engine image haproxy molecule demo demo-down deploy e2e ee ee-image test-compat

help:
	@echo "make test         every suite (sanity, unit, integration, lint, molecule), ends with 'N passed, N failed'"
	@echo "make sanity|unit|fidelity|integration|lint|changelog-lint   one suite"
	@echo "                  (fidelity: the sandbox account's fidelity layer, behaviour by behaviour, against plain moto too)"
	@echo "make molecule     the Molecule scenarios of the roles (needs a container engine: see make engine)"
	@echo "make engine       make sure a container engine answers (as root on Debian/Ubuntu: installs docker.io)"
	@echo "make image        build the local Debian bookworm image with systemd (reused when it exists)"
	@echo "make haproxy      make sure HAProxy (the sandbox edge) is installed (as root on Debian/Ubuntu: installs it)"
	@echo "make demo         the HTTPS rollout in the offline sandbox (moto, two containers, the HAProxy edge), a summary"
	@echo "                  and real HTTPS requests through the edge; curl lines to paste"
	@echo "make demo-down    stop and remove the sandbox"
	@echo "make deploy VERSION=v2   after make demo: roll the demo app to a new version label, a host at a time, under a"
	@echo "                  load of 4 HTTPS clients through the edge; prints requests sent, failed and per version"
	@echo "                  (VERSION=broken: a version whose health check fails, rolled back; the deploy fails)"
	@echo "make e2e          site.yml, rerun, rotation, an interrupted run, the IAM policy, teardown.yml; fresh sandboxes"
	@echo "make ee-image     build the execution environment image from meta/execution-environment.yml, offline (reused"
	@echo "                  when its inputs are unchanged; the e2e suite builds it too)"
	@echo "make ee           site.yml and teardown.yml as ansible-runner jobs in that image, against a fresh sandbox"
	@echo "make test-compat  the integration targets against amazon.aws $(COMPAT_AMAZON_AWS).x (from the ansible $(COMPAT_ANSIBLE) wheel); not in make test"
	@echo "make bench        API call counts and wall time of the modules and of the sandbox rollout, printed"
	@echo "make bench-compare  only the side-by-side table with the baseline (BASELINE_DIR, default ../shared/baseline)"
	@echo "make build        ansible-galaxy collection build into $(BUILD)/dist"
	@echo "make clean        remove $(VENV) and $(BUILD)"

$(BIN)/.installed: requirements-test.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

venv: $(BIN)/.installed

$(COLL_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

layout: venv $(COLL_LINK)

test: layout
	$(BIN)/python tests/run_suites.py

# shellcheck is optional for ansible-test (it skips the shell scripts without it): installed here when possible.
sanity: layout
	-@bash sandbox/distro-package.sh shellcheck
	$(BIN)/python tests/sanity/run_sanity.py --results $(RESULTS)/sanity.xml

unit: layout
	$(BIN)/python -m pytest tests/unit -p no:cacheprovider --junitxml=$(RESULTS)/unit.xml

fidelity: layout
	$(BIN)/python -m pytest tests/sandbox -p no:cacheprovider --junitxml=$(RESULTS)/fidelity.xml

integration: layout
	$(BIN)/python -m pytest tests/integration -p no:cacheprovider --junitxml=$(RESULTS)/integration.xml

lint: layout
	$(BIN)/ansible-lint --offline --profile production

changelog-lint: layout
	$(BIN)/antsibull-changelog lint

engine:
	@bash sandbox/engine.sh $(BUILD)/engine

image: engine
	bash sandbox/image/build.sh $(BUILD)/image

haproxy:
	@bash sandbox/distro-package.sh haproxy

molecule: layout image
	$(BIN)/python tests/molecule/run_molecule.py --results $(RESULTS)/molecule.xml

# The sandbox rollout: moto on 127.0.0.1, two systemd containers and the edge (HAProxy on 127.0.0.1, rendered from
# the load balancer in moto), seeded, then site.yml (whose last step checks HTTPS through the edge) and a summary.
DEMO_PORT   ?= 5080
DEMO_DIR    := $(BUILD)/sandbox/demo
DEMO_ARGS   := --name demo --port $(DEMO_PORT) --workdir $(DEMO_DIR)

demo: layout image haproxy
	$(BIN)/python sandbox/sandbox.py up $(DEMO_ARGS)
	ANSIBLE_PIPELINING=true $(BIN)/ansible-playbook -i inventories/sandbox -i $(DEMO_DIR)/inventory.yml playbooks/site.yml
	$(BIN)/python sandbox/sandbox.py summary $(DEMO_ARGS)

demo-down: venv
	$(BIN)/python sandbox/sandbox.py down $(DEMO_ARGS)

# A rolling deploy of the demo app (playbooks/deploy.yml) in the sandbox of `make demo`, under load through the edge.
VERSION       ?=
DEPLOY_CLIENTS ?= 4

deploy: layout
	@test -n "$(VERSION)" || { echo "usage: make deploy VERSION=<label> (for example v2; broken to see a rollback)"; exit 2; }
	ANSIBLE_PIPELINING=true $(BIN)/python sandbox/load.py --workdir $(DEMO_DIR) --clients $(DEPLOY_CLIENTS) -- \
		$(BIN)/ansible-playbook -i inventories/sandbox -i $(DEMO_DIR)/inventory.yml playbooks/deploy.yml \
		-e rolling_deploy_version=$(VERSION)

# End to end in the sandbox: site.yml, a no-op rerun, requests through the edge, a certificate rotation, teardown.yml.
e2e: layout image haproxy
	$(BIN)/python -m pytest tests/e2e -p no:cacheprovider --junitxml=$(RESULTS)/e2e.xml

# The execution environment image, built here by ansible-builder from meta/execution-environment.yml (unchanged) on the
# sandbox's local Debian base, with offline overrides in a derived definition under $(BUILD)/ee: a wheelhouse that pip
# downloads on this host, this collection's artifact and the venv's amazon.aws for ansible-galaxy --offline. Tagged
# webops/https-rollout-ee:<hash of the inputs> and reused while they are unchanged.
ee-image: layout image
	$(BIN)/python sandbox/ee/build.py --workdir $(BUILD)/ee

# The rollout in that image: site.yml and teardown.yml as ansible-runner jobs with process isolation (docker), against a
# sandbox of their own; the same tests run within `make e2e` (tests/e2e/test_runner.py).
ee: ee-image haproxy
	$(BIN)/python -m pytest tests/e2e/test_runner.py -k execution_environment -p no:cacheprovider \
		--junitxml=$(RESULTS)/ee.xml

# The integration targets against the amazon.aws of a newer `ansible` release (whose wheel is fetched and unpacked into
# $(BUILD)/compat and put first on the collections path); `make integration` covers the venv's amazon.aws 10.x.
# Not part of `make test` (CI's time budget). COMPAT_ARGS="--ref HEAD" tests the last commit instead of the working tree.
COMPAT_ANSIBLE    ?= 14.5.0
COMPAT_AMAZON_AWS ?= 11
COMPAT_ARGS       ?=

test-compat: layout
	$(BIN)/python tests/compat/run_compat.py --ansible $(COMPAT_ANSIBLE) --expect-major $(COMPAT_AMAZON_AWS) \
		--workdir $(BUILD)/compat --results $(RESULTS)/compat.xml $(COMPAT_ARGS)

# The baseline (amazon.aws + community.aws) lives outside the project; make bench runs it from there.
BASELINE_DIR ?= ../shared/baseline
BENCH_ROUNDS ?= 3

# Side by side with the baseline (A B A B on its seed and patched moto; the issue's table with ratios, the 20 s
# certificate wait, the 1,000 records and targets rows), then the module benchmarks and the sandbox rollout.
bench: layout image haproxy
	$(BIN)/python tests/bench/side_by_side.py --baseline-dir $(BASELINE_DIR) --rounds $(BENCH_ROUNDS)
	$(BIN)/python tests/bench/run_bench.py

# Only the side-by-side comparison (no containers).
bench-compare: layout
	$(BIN)/python tests/bench/side_by_side.py --baseline-dir $(BASELINE_DIR) --rounds $(BENCH_ROUNDS)

build: layout
	mkdir -p $(BUILD)/dist
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/dist

clean:
	rm -rf $(VENV) $(BUILD) tests/output
