# notebooks/notebooks.mk: the Jupyter notebooks in notebooks/, written in
# Go and run by the GoNB kernel (github.com/janpfeifer/gonb). The main
# Makefile includes it:
#
#	include notebooks/notebooks.mk
#
# and it also works alone: make -f notebooks/notebooks.mk notebooks
#
#   notebooks        installs what is needed, makes the samples, and
#                    executes every notebook in place (outputs, figures),
#                    failing on any cell error (and then writing none
#                    back): run it after editing a notebook, and commit
#                    the result.
#   notebooks-check  executes every notebook into a temporary directory,
#                    leaving the committed files alone (for make test).
#   notebooks-deps   only the set-up: Debian's Jupyter and graphviz, the
#                    gonb, goimports and gopls binaries (built from
#                    notebooks/tools into notebooks/.bin) and the kernel
#                    spec (in notebooks/.jupyter).
#
# To open the notebooks in a browser after `make notebooks-deps`:
#
#	PATH=$PWD/notebooks/.bin:$PATH JUPYTER_PATH=$PWD/notebooks/.jupyter \
#	    TESSERA_ROOT=$PWD jupyter notebook notebooks/

# Paths are absolute so that the file works from any directory and with -f.
NB_DIR     := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
NB_ROOT    := $(patsubst %/,%,$(dir $(NB_DIR)))
NB_BIN     := $(NB_DIR)/.bin
NB_JUPYTER := $(NB_DIR)/.jupyter
NB_KERNEL  := $(NB_JUPYTER)/kernels/gonb/kernel.json
NB_FILES   := $(sort $(wildcard $(NB_DIR)/[0-9]*.ipynb))

GO         ?= go
NB_SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian's Jupyter (the python3 of /usr/bin, whatever python3 is first on
# PATH), graphviz for the task graphs, and libnetcdf for io/netcdf.
NB_APT     := jupyter-notebook jupyter-client jupyter-nbconvert python3-nbconvert \
	python3-nbclient python3-ipykernel graphviz libnetcdf-dev pkg-config
NB_JUPYTER_CMD := /usr/bin/jupyter
# Seconds a cell may run (the first cell of a notebook compiles tessera).
NB_TIMEOUT ?= 600

# The built-in sample (as `make demo` makes it), and the same data as
# compressed netCDF-4 for 03-out-of-core.ipynb.
NB_SAMPLE     := $(NB_ROOT)/bench/data/sample
NB_SAMPLE_NC4 := $(NB_ROOT)/bench/data/sample-nc4
NB_GEN_FLAGS  := -years 2 -lat 96 -lon 192 -fill 0.001

# What a notebook run sees: the tools first on PATH (GoNB looks for
# goimports and gopls there), the kernel spec, and the checkout the cells
# import tessera from.
NB_ENV = PATH="$(NB_BIN):$$PATH" JUPYTER_PATH="$(NB_JUPYTER)" \
	TESSERA_ROOT="$(NB_ROOT)" PYDEVD_DISABLE_FILE_VALIDATION=1
NB_EXEC = $(NB_ENV) $(NB_JUPYTER_CMD) nbconvert --to notebook --execute --allow-errors \
	--ExecutePreprocessor.kernel_name=gonb \
	--ExecutePreprocessor.timeout=$(NB_TIMEOUT) \
	--ExecutePreprocessor.startup_timeout=120 \
	--ExecutePreprocessor.record_timing=False

.PHONY: notebooks notebooks-check notebooks-deps notebooks-apt notebooks-data

notebooks-apt:
	@missing=""; for p in $(NB_APT); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "notebooks: installing$$missing"; \
		$(NB_SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(NB_SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The tools are modules of their own, so that GoNB's dependencies stay out
# of tessera's go.mod; gopls has a third, as it needs the golang.org/x/tools
# it was released with, older than goimports' v0.52.0.
$(NB_BIN)/gonb $(NB_BIN)/goimports &: $(NB_DIR)/tools/go.mod $(NB_DIR)/tools/go.sum
	@mkdir -p $(NB_BIN)
	$(GO) build -C $(NB_DIR)/tools -o $(NB_BIN)/ tool
	@touch $(NB_BIN)/gonb $(NB_BIN)/goimports

$(NB_BIN)/gopls: $(NB_DIR)/tools/gopls/go.mod $(NB_DIR)/tools/gopls/go.sum
	@mkdir -p $(NB_BIN)
	$(GO) build -C $(NB_DIR)/tools/gopls -o $(NB_BIN)/ tool
	@touch $@

# gonb --install writes the kernel spec under $JUPYTER_DATA_DIR, pointing
# at the binary; it checks that goimports and gopls are on PATH.
$(NB_KERNEL): $(NB_BIN)/gonb $(NB_BIN)/goimports $(NB_BIN)/gopls
	PATH="$(NB_BIN):$$PATH" JUPYTER_DATA_DIR="$(NB_JUPYTER)" $(NB_BIN)/gonb --install
	@test -f $@

notebooks-deps: notebooks-apt $(NB_KERNEL)

$(NB_SAMPLE)/era_2001_12.nc:
	cd $(NB_ROOT) && $(GO) run ./bench/gen -out $(NB_SAMPLE) $(NB_GEN_FLAGS) >/dev/null

$(NB_SAMPLE_NC4)/era_2001_12.nc:
	cd $(NB_ROOT) && $(GO) run ./bench/gen -out $(NB_SAMPLE_NC4) $(NB_GEN_FLAGS) -format netcdf4 -compress 1 >/dev/null

notebooks-data: notebooks-apt $(NB_SAMPLE)/era_2001_12.nc $(NB_SAMPLE_NC4)/era_2001_12.nc

# NB_RUN executes every notebook into a temporary directory and checks it.
# nbconvert runs every cell (--allow-errors, so that one failure does not
# hide the next) and fails only if it cannot run the notebook at all (the
# kernel does not start, a cell times out); check_outputs.py then fails on
# any cell that failed, printing its output: a Go cell that did not build,
# panicked or exited non-zero, a failed shell command, a cell not run.
# With NB_INPLACE=1 the executed notebooks then replace the committed ones,
# only once all of them have passed.
define NB_RUN
@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; all=$$(date +%s); \
for nb in $(NB_FILES); do \
	name=$${nb#$(NB_ROOT)/}; start=$$(date +%s); \
	if ! $(NB_EXEC) --output-dir "$$tmp" "$$nb" >"$$tmp/log" 2>&1; then \
		grep -v -E '^[IWE][0-9]{4} |[Dd]ebugger|frozen modules|PYDEVD|to python to disable' "$$tmp/log" | tail -40; \
		echo "$@: $$name failed"; exit 1; \
	fi; \
	/usr/bin/python3 $(NB_DIR)/check_outputs.py "$$tmp/$$(basename $$nb)" || { \
		echo "$@: $$name failed"; exit 1; }; \
	echo "$@: $$name ran in $$(( $$(date +%s) - start )) s"; \
done; \
if [ "$(NB_INPLACE)" = 1 ]; then \
	for nb in $(NB_FILES); do cp "$$tmp/$$(basename $$nb)" "$$nb"; done; \
	echo "$@: executed notebooks written back to $(NB_DIR)"; \
fi; \
echo "$@: all notebooks ran in $$(( $$(date +%s) - all )) s"
endef

notebooks: notebooks-deps notebooks-data
	$(NB_RUN)

notebooks: NB_INPLACE = 1

notebooks-check: notebooks-deps notebooks-data
	$(NB_RUN)
