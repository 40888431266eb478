# supinit — see README.md. Two commands set everything up on a fresh
# machine with Go: `make run` (the demo) and `make test` (the tests).

GO       ?= go
BIN      := bin/supinit
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
export CGO_ENABLED := 0

# Debian packages the tests compare against: the real supervisord and
# supervisorctl 4.2.5 (its daemon is never started: Debian's policy-rc.d
# keeps it down in containers, and the tests stop nothing of the host's).
TEST_DEBS  := supervisor
APT_MARK   := /usr/bin/supervisorctl
# `make bench` compares against supervisord and tini.
BENCH_DEBS := supervisor tini

.PHONY: build test run bench bench-deps fuzz lint deps demo-bin clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/supinit

# deps installs what the tests need on a fresh Debian machine.
deps:
	@if [ ! -x $(APT_MARK) ]; then \
		echo "installing $(TEST_DEBS) (for the differential and interop tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBS); \
	fi
	$(GO) mod download

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# test runs everything CI runs. The race detector needs cgo, so the test
# build turns it on (the shipped binary stays static).
test: deps lint build
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m ./...

# The demo: sh, sleep and a tiny Go program, with prefixed output, a
# program that crashes and is restarted, and a clean Ctrl-C shutdown.
demo-bin:
	$(GO) build -trimpath -o examples/demo/bin/ticker ./examples/demo/ticker

run: build demo-bin
	cd examples/demo && ../../$(BIN) --prefix -c supervisord.conf

bench-deps:
	@if [ ! -x /usr/bin/supervisord ] || [ ! -x /usr/bin/tini ]; then \
		echo "installing $(BENCH_DEBS) (to compare against)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_DEBS); \
	fi

bench: bench-deps build
	$(GO) run ./bench -supinit $(BIN)

# fuzz runs each fuzz target (the parsers, the XML-RPC server's request
# path, its HTTP connection loop, the client's reply decoder) for a short
# while.
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./config -run '^$$' -fuzz '^FuzzINI$$' -fuzztime $(FUZZTIME)
	$(GO) test ./config -run '^$$' -fuzz '^FuzzTOML$$' -fuzztime $(FUZZTIME)
	$(GO) test ./control -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./control -run '^$$' -fuzz '^FuzzServeRPC$$' -fuzztime $(FUZZTIME)
	$(GO) test ./control -run '^$$' -fuzz '^FuzzServeConn$$' -fuzztime $(FUZZTIME)
	$(GO) test ./control -run '^$$' -fuzz '^FuzzDecodeResponse$$' -fuzztime $(FUZZTIME)

clean:
	rm -rf bin examples/demo/bin
