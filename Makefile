# Stint's build. GNU make; every target respects GOFLAGS and the usual Go environment.
#   make run             build, then open the desktop app (the API server on 127.0.0.1:8736 without a display)
#   make test            lint, race-test everything, smoke-test the desktop app (what CI runs)
#   make build           bin/stint: desktop app, CLI and server (cgo, OpenGL and X11 headers)
#   make build-headless  bin/stint-headless: no cgo, no desktop libraries
#   make package         dist/stint-VERSION-linux-ARCH.tar.xz: the desktop app with .desktop file and icon
#   make smoke-desktop   the real desktop app under Xvfb: onboarding, start/stop, store check, screenshots
#   make bench-desktop   desktop first frame, input latency, idle memory and timer CPU under Xvfb (about 30 minutes),
#                        then RUNS memory runs (default 3) against the baseline; BENCH_FLAGS=-memory for those alone
#   make bench           the API, report, sync and import benchmarks (SQLite and PostgreSQL, each beside its baseline), one iteration each
#   make lint            gofmt, go mod tidy, go vet and staticcheck (desktop and headless builds),
#                        the headless cross-builds, govulncheck when its database answers
#   make cross           CGO_ENABLED=0 -tags headless: every package, and bin/stint for Windows and macOS
#   make fuzz            every Fuzz target for FUZZTIME (default 10s)
#   make sim             the sync simulation for SEEDS seeds (default 10000), with a summary line
#   make clean           remove build output

GO       ?= go
BIN      ?= bin
FUZZTIME ?= 10s
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
# -trimpath drops this machine's paths from the file names the binary keeps for stack traces:
# a reproducible build, and 32 KB less read-only data mapped (and resident) in every process.
# -s -w would shrink the file by 28% but none of what is loaded: symbols and DWARF stay on disk.
BUILD_FLAGS := -trimpath
# GUI_TAGS trim the desktop build: no bundled emoji font (4 MB of binary, and parsed once per
# text style), no animations (a blinking cursor repaints the window 12 times a second).
GUI_TAGS ?= no_emoji,no_animations
# The fyne tool that packages the desktop app, pinned; it runs with go run, no install.
FYNE_TOOL ?= fyne.io/tools/cmd/fyne@v1.7.4
# The desktop app builds against Fyne with an event-driven main loop (third_party/fyne/README.md):
# stock Fyne wakes 60 times a second even when nothing on screen changes. FYNE_MOD is the go.mod
# that points Fyne at the patched copy (FYNE_WORK, a go.work, does the same for staticcheck);
# third_party/fyne/apply writes them and the copy from the module cache.
FYNE_DIR  := $(BIN)/fyne-patched
FYNE_MOD  := $(FYNE_DIR)/go.mod
FYNE_WORK := $(abspath $(FYNE_DIR))/go.work
MODFILE   := -modfile=$(FYNE_MOD)
# TEST_PATCHED are the patched modules' packages whose tests run against the patched copies
# (third_party/fyne/README.md, "Linked methods"); the godbus one needs a session bus.
TEST_PATCHED := fyne.io/fyne/v2/lang github.com/nicksnyder/go-i18n/v2/i18n/template github.com/godbus/dbus/v5/prop
# What cgo needs to build Fyne's OpenGL driver, as Debian packages and as pkg-config names;
# dbus provides the private session bus the tray tests start; poppler-utils the pdftoppm and
# pdftotext that the export tests render PDFs with.
GUI_APT := gcc libc6-dev pkg-config patch libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev dbus poppler-utils
GUI_PC  := gl x11 xcursor xrandr xinerama xi xxf86vm

.PHONY: sim run build build-headless test check-go check-cgo check-gui check-xserver deps bench lint lint-fmt lint-mod lint-vet lint-staticcheck cross vulncheck fuzz clean package smoke-desktop bench-desktop

# run opens the desktop app when there is a display, and serves the API otherwise.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then ./$(BIN)/stint desktop; else \
	  echo "no display: running the API server (stint serve) instead of the desktop app"; ./$(BIN)/stint serve; fi

build: check-go check-gui $(FYNE_MOD)
	$(GO) build $(BUILD_FLAGS) $(MODFILE) -tags '$(GUI_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/stint ./cmd/stint

$(FYNE_MOD): go.mod go.sum third_party/fyne/apply $(wildcard third_party/fyne/*.in) $(wildcard third_party/fyne/*.patch)
	./third_party/fyne/apply $(FYNE_DIR)

build-headless: check-go
	CGO_ENABLED=0 $(GO) build $(BUILD_FLAGS) -tags headless -ldflags '$(LDFLAGS)' -o $(BIN)/stint-headless ./cmd/stint

# test installs what is missing, then runs the checks: lint (below), the race-enabled tests
# (a private PostgreSQL cluster they need is started by .ci/test-env around them), the tests of
# the patched modules (TEST_PATCHED), and the desktop smoke test on the real binary under Xvfb.
test: deps build lint check-xserver
	./.ci/test-env $(GO) test $(MODFILE) -race -count=1 -timeout 30m ./...
	dbus-run-session -- $(GO) test $(MODFILE) -count=1 $(TEST_PATCHED)
	$(GO) test -count=1 -run '^TestSimulation$$' ./sync/
	BIN=$(abspath $(BIN))/stint ./.ci/desktop-smoke

deps: check-go check-cgo check-gui $(FYNE_MOD)
	$(GO) mod download

check-go:
	@command -v $(GO) >/dev/null 2>&1 || { \
	  echo "Go is not installed (or not on PATH). Stint needs the Go version named in go.mod:"; \
	  echo "  install it from the official Go downloads and put its bin directory on PATH,"; \
	  echo "  e.g. tar -C /usr/local -xzf go<version>.linux-amd64.tar.gz && export PATH=\$$PATH:/usr/local/go/bin"; \
	  exit 1; }

# -race needs cgo and a C compiler; install gcc through apt when we can.
check-cgo:
	@command -v gcc >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "gcc is missing; installing it for go test -race"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null; \
	  else \
	    echo "go test -race needs a C compiler: install gcc (e.g. sudo apt-get install gcc)"; exit 1; \
	  fi; }

# The desktop app (package ui, through Fyne) builds against OpenGL and X11 headers; install
# them through apt when we can. The UI tests themselves need no display.
check-gui:
	@{ pkg-config --exists $(GUI_PC) && command -v dbus-daemon && command -v patch && command -v pdftoppm; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "OpenGL/X11 headers are missing; installing them for the desktop app"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(GUI_APT) >/dev/null; \
	  else \
	    echo "the desktop app builds against OpenGL and X11 headers: install them (e.g. sudo apt-get install $(GUI_APT)),"; \
	    echo "or build without it: make build-headless"; exit 1; \
	  fi; }

# The activity tests (package activity) run a private Xvfb with openbox and type with xdotool;
# install them through apt when we can. Without them those tests skip, unless CI is set.
check-xserver:
	@{ command -v Xvfb && command -v openbox && command -v xdotool; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Xvfb, openbox or xdotool is missing; installing them for the activity tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb openbox xdotool >/dev/null; \
	  else \
	    echo "the activity tests need Xvfb, openbox and xdotool (e.g. sudo apt-get install xvfb openbox xdotool); they skip without them"; \
	  fi; }

# package wraps bin/stint with the fyne tool. It runs in a scratch directory with a copy of
# FyneApp.toml, because the tool bumps the build number in the file it reads; the tool also
# insists on finding a .go file there, hence the one-line stub.
package: build
	rm -rf dist/pkg && mkdir -p dist/pkg/assets
	cp FyneApp.toml dist/pkg/ && cp assets/icon.png dist/pkg/assets/
	printf 'package main\n' > dist/pkg/stub.go
	cd dist/pkg && $(GO) run $(FYNE_TOOL) package --os linux --exe $(abspath $(BIN))/stint --release
	mv dist/pkg/Stint.tar.xz dist/stint-$(VERSION)-linux-$$($(GO) env GOARCH).tar.xz
	rm -rf dist/pkg
	@echo "built dist/stint-$(VERSION)-linux-$$($(GO) env GOARCH).tar.xz; unpack it and run make user-install (or sudo make install) inside"

smoke-desktop: build
	BIN=$(abspath $(BIN))/stint ./.ci/desktop-smoke

# RUNS memory runs follow, each reported with the median (BENCH_FLAGS=-memory: only those).
RUNS ?= 3
bench-desktop: build
	$(GO) run ./ui/internal/desktopbench -bin $(BIN)/stint -modfile $(FYNE_MOD) -runs $(RUNS) $(BENCH_FLAGS)

# bench needs a PostgreSQL cluster for the PostgreSQL figures: .ci/test-env starts a private one.
# BenchmarkReports seeds 1,000,000 entries into a temporary SQLite file first (a minute or two);
# BenchmarkImport imports 100,000 rows of a Toggl Track export beside a raw insert of the same entries.
bench: check-go
	./.ci/test-env $(GO) test -run '^$$' -bench . -benchtime 1x -benchmem ./server/... ./sync/...
	$(GO) test -run '^$$' -bench 'BenchmarkX11Sample|BenchmarkTrackerTick' -benchtime 2000x ./activity ./app
	$(GO) test -run '^$$' -bench '^BenchmarkImport$$' -benchtime 1x -benchmem ./store/sqlite/

# lint is everything CI checks besides the tests. staticcheck and govulncheck are pinned by the
# tool directives in go.mod and run with go tool. Each build is checked as it ships: the desktop
# app against the patched Fyne with GUI_TAGS (as make build), and the headless one without cgo;
# plain go build and go vet (stock Fyne, what a contributor without make runs) must work too.
lint: lint-fmt lint-mod lint-vet lint-staticcheck cross vulncheck

lint-fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# go.mod and go.sum must be what go mod tidy makes of them.
lint-mod: check-go
	$(GO) mod tidy -diff

lint-vet: check-go check-cgo check-gui $(FYNE_MOD)
	$(GO) vet $(MODFILE) -tags '$(GUI_TAGS)' ./...
	CGO_ENABLED=0 $(GO) vet -tags headless ./...
	$(GO) build ./...
	$(GO) vet ./...

# staticcheck loads packages through go/packages, which cannot take -modfile (golang/go#48482);
# the go.work that third_party/fyne/apply writes beside FYNE_MOD has the same replace.
lint-staticcheck: check-go check-cgo check-gui $(FYNE_MOD)
	GOWORK=$(FYNE_WORK) $(GO) tool staticcheck -tags '$(GUI_TAGS)' ./...
	CGO_ENABLED=0 $(GO) tool staticcheck -tags headless ./...

# cross builds what has no cgo for every platform we name; the build cache makes a second run cheap.
CROSS ?= windows/amd64 darwin/arm64 darwin/amd64
cross: check-go
	CGO_ENABLED=0 $(GO) build -tags headless ./...
	@for p in $(CROSS); do \
	  echo "CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -tags headless ./cmd/stint"; \
	  CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -tags headless -o /dev/null ./cmd/stint || exit 1; \
	done

# vulncheck fails on known vulnerabilities in what Stint calls, and skips (one line) when the
# vulnerability database cannot be reached.
vulncheck: check-go
	GO=$(GO) ./.ci/vulncheck ./...

# fuzz runs each Fuzz target on its own: go test -fuzz takes one target per package at a time.
fuzz: check-go
	@found=0; \
	for file in $$(grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | sort); do \
	  dir=$$(dirname "$$file"); \
	  for target in $$(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$$file" | cut -d' ' -f2); do \
	    found=1; echo "== $$dir $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$dir" || exit 1; \
	  done; \
	done; \
	if [ $$found = 0 ]; then echo "no Fuzz targets found"; fi

# sim runs the fault-injecting sync simulation (sync/sim_test.go) for SEEDS seeds from
# SEED (default 1), without the race detector (make test runs it both ways with fewer
# seeds), and prints its summary: seeds, steps, operations, faults, crashes, failures. A
# failing seed prints its trace; STINT_SIM_SEED=N go test -run TestSimulation ./sync/
# replays it alone and shrinks its steps.
SEEDS ?= 10000
SEED  ?= 1
sim: check-go
	cd sync && STINT_SIM_SEEDS=$(SEEDS) STINT_SIM_FIRST=$(SEED) STINT_SIM_SUMMARY=1 $(GO) test -count=1 -timeout 0 -run '^TestSimulation$$'

clean:
	rm -rf $(BIN) dist
