# Stint's build. GNU make; every target respects GOFLAGS and the usual Go environment.
#   make run             build, then run the API server on 127.0.0.1:8736
#   make test            vet and race-test everything (what CI runs)
#   make build           bin/stint
#   make build-headless  bin/stint-headless: no cgo, no desktop libraries
#   make bench           the API benchmarks, one iteration each, figures printed
#   make lint            go vet, and gofmt must have nothing to say
#   make fuzz            every Fuzz target for FUZZTIME (default 10s)
#   make clean           remove build output

GO       ?= go
BIN      ?= bin
FUZZTIME ?= 10s
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)

.PHONY: run build build-headless test check-go check-cgo deps bench lint fuzz clean

run: build
	./$(BIN)/stint serve

build: check-go
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/stint ./cmd/stint

build-headless: check-go
	CGO_ENABLED=0 $(GO) build -tags headless -ldflags '$(LDFLAGS)' -o $(BIN)/stint-headless ./cmd/stint

# test installs what is missing, then runs the checks. Services the tests need (none yet) are
# started by .ci/test-env around the test run.
test: deps
	$(GO) vet ./...
	./.ci/test-env $(GO) test -race -count=1 ./...

deps: check-go check-cgo
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

bench: check-go
	$(GO) test -run '^$$' -bench . -benchtime 1x -benchmem ./server/...

lint: check-go
	$(GO) vet ./...
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

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

clean:
	rm -rf $(BIN)
