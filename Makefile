# tessera: `make demo` and `make test` set up a fresh Debian machine
# (root, Go 1.26) and run. See README.md.

GO        ?= go
# System packages the project needs. libnetcdf-dev is the C library
# io/netcdf loads at run time (its header builds the binding) and that
# github.com/fhs/go-netcdf links in the classic parser's oracle tests
# (pkg-config finds it for cgo).
APT_PACKAGES := libnetcdf-dev pkg-config netcdf-bin python3-cftime python3-xarray python3-netcdf4 cdo
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The JavaScript Arrow reader io/arrow's tests compare with.
JS_ORACLE := io/arrow/testdata/js
# Packages whose tests exercise goroutines, run again under the race
# detector.
RACE_PKGS := ./internal/... ./ndarray/... ./graph/... ./scheduler/... ./chunk/... ./labels/... ./groupby/... ./io/...

.PHONY: all deps demo test vet fmt-check bench bench-micro bench-outofcore bench-io bench-suite bench-quick bench-deps clean

all: test

# apt-install is a recipe line that installs those of the Debian
# packages $(1) that are missing, saying which (notebooks/notebooks.mk
# has its own, as it also works alone).
define apt-install
@missing=""; for p in $(1); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
	echo "make $@: installing$$missing"; \
	$(SUDO) apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
fi
endef

# deps installs the missing system packages, the Go modules and the
# apache-arrow npm package that io/arrow's tests run under Node.js (pinned
# by $(JS_ORACLE)/package-lock.json, installed into its node_modules); it
# does nothing when all are present, so it is cheap to run before every
# target.
deps:
	$(call apt-install,$(APT_PACKAGES))
	@$(GO) mod download
	@if [ ! -d $(JS_ORACLE)/node_modules ]; then \
		command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm; }; \
		echo "make deps: npm ci --prefix $(JS_ORACLE)"; \
		npm ci --prefix $(JS_ORACLE) --no-audit --no-fund; \
	fi

# demo makes a built-in sample (two years of 6-hourly ERA-like packed
# int16 files on a 96 x 192 grid, by bench/gen), shows it, computes its
# seasonal climatology with `tessera yseasmean` and prints the result and
# its summer-minus-winter range. The notebooks use the same sample: its
# bench/gen flags are notebooks.mk's NB_GEN_FLAGS.
SAMPLE := bench/data/sample
demo: deps
	@[ -f $(SAMPLE)/era_2001_12.nc ] || $(GO) run ./bench/gen -out $(SAMPLE) $(NB_GEN_FLAGS) >/dev/null
	@mkdir -p bin out
	$(GO) build -o bin/tessera ./cmd/tessera
	bin/tessera info '$(SAMPLE)/*.nc'
	bin/tessera yseasmean --stats -o out/clim.nc '$(SAMPLE)/*.nc'
	@$(GO) run ./examples/seasonal out/clim.nc

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# test runs ndarray's tests twice: with its AVX2 kernel where the CPU has
# it, and with the Go loops every platform runs (-tags purego).
test: deps vet fmt-check notebooks-check
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags purego ./ndarray/...
	$(GO) test -count=1 -race -short $(RACE_PKGS)

# bench-micro runs the Go benchmarks beside the code, five times each, in
# the format benchstat reads.
bench-micro: deps
	@mkdir -p bench/results
	$(GO) test -run '^$$' -bench . -benchtime 20x -count 5 ./ndarray/... | tee bench/results/micro-ndarray.txt
	$(GO) test -run '^$$' -bench . -count 5 ./graph/ ./scheduler/ | tee bench/results/micro-engine.txt
	$(GO) test -run '^$$' -bench . -benchtime 5x -count 5 ./chunk/ | tee -a bench/results/micro-engine.txt
	$(GO) test -run '^$$' -bench . -benchtime 5x -count 5 ./groupby/ ./labels/ | tee bench/results/micro-labels.txt

# bench-outofcore computes the mean of 16 GiB of float64 with a 512 MiB
# budget and reports the peak resident memory (GNU time).
bench-outofcore: deps
	@command -v /usr/bin/time >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq time; }
	@mkdir -p bench/results
	$(GO) build -o bin/outofcore ./bench/outofcore
	/usr/bin/time -v bin/outofcore -gib 16 -memory 512 2>&1 | tee bench/results/outofcore.txt

# bench-io times the global mean of 2 years of ERA-like files (made by
# bench/gen on first use) against cdo timmean.
bench-io: deps
	@[ -f bench/data/era/era_2001_12.nc ] || $(GO) run ./bench/gen -out bench/data/era -years 2
	@mkdir -p bench/results
	$(GO) run ./bench/globalmean -files 'bench/data/era/*.nc' -runs 5 | tee bench/results/globalmean.txt

# bench-suite is the end-to-end benchmark (bench/suite): five analyses by
# tessera, CDO, NCO and xarray + dask on the same generated files at three
# scales (2 years, 2 years netCDF-4 zlib, 8 years out of core), with worker
# scaling; results in bench/results/results.{md,json,png}. bench-quick
# checks the suite itself in about a minute. The peers beyond deps' (cdo,
# python3-xarray, python3-netcdf4):
BENCH_APT := nco python3-dask
bench-deps: deps
	$(call apt-install,$(BENCH_APT))

bench-suite: bench-deps
	$(GO) run ./bench/suite -runs 5 -out bench/results

bench-quick: bench-deps
	$(GO) run ./bench/suite -quick -out bench/results/quick

bench: bench-micro bench-outofcore bench-io bench-suite

clean:
	$(GO) clean -testcache

# The notebooks (notebooks/): make notebooks executes them in place;
# notebooks-check (part of make test) executes them into a temporary
# directory and fails on any cell error.
include notebooks/notebooks.mk
