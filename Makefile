# payterm — see README.md. Every target sets up what it needs on a fresh
# Debian 12 machine (as root): `make run`, `make test`, `make bench`.

GO      ?= go
BIN     := bin
OUT     := out
export GOFLAGS := -buildvcs=false

.PHONY: all deps build run test test-unit bench clean

all: build

# Debian packages, Go modules and npm packages the tests and the demo use.
deps:
	@tools/deps.sh
	@rootfs/deps.sh

build:
	$(GO) build -o $(BIN)/payterm ./firmware
	$(GO) build -o $(BIN)/payhost ./payhost/cmd/payhost
	$(GO) build -o $(BIN)/pos ./pos/cmd/pos

# The virtual terminal, the sandbox payment host and a demo POS, all on
# loopback. Press Enter to send a sample order; Ctrl-C stops everything.
run: deps build
	@tools/run.sh

# Unit, integration and end-to-end tests (real browser, pty serial link,
# Adyen's Node library against the virtual terminal).
test: deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...

test-unit:
	$(GO) test -short ./...

# One table of the performance goals, each measured as ratios in one run.
bench: deps
	@tools/bench.sh

include rootfs/Makefile.inc

clean:
	rm -rf $(BIN) $(OUT)
