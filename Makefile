# payterm — see README.md. Every target sets up what it needs on a fresh
# Debian 12 machine (as root): `make run`, `make test`, `make bench`.

GO      ?= go
BIN     := bin
OUT     := out
export GOFLAGS := -buildvcs=false

.PHONY: all deps build run test test-unit test-faults test-arm64 bench bundle clean

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
# Adyen's Node library against the virtual terminal, the image booted in
# QEMU), then the unit tests again as arm64 binaries.
test: deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m $$($(GO) list ./... | grep -v '^payterm/firmware/faults$$')
	@$(MAKE) --no-print-directory test-faults
	@$(MAKE) --no-print-directory test-arm64

# The fault-injection run (firmware/faults): 300 randomized sales through
# proxies that delay, drop and reset both hops, with the terminal killed
# and restarted at random; verbose so its counts of faults and wrong
# charges are printed.
test-faults:
	$(GO) test -count=1 -timeout 20m -v ./firmware/faults

# The unit and integration tests built for the terminal's architecture and
# run under qemu-user, which catches what differs on arm64 (alignment,
# cgo, int sizes, syscalls). Left out: rootfs (image tools run on the
# host), the firmware's main package (its tests drive a host browser
# and Node), the fault-injection run (it builds and kills host
# binaries), and the POS agent's OCR and its command (they link Debian's
# amd64 libtesseract; the agent runs on the POS machine, not the
# terminal); the image's whole system runs in rootfs/systemtest instead.
ARM64_EXEC := qemu-aarch64-static -L /usr/aarch64-linux-gnu
test-arm64: deps
	PAYTERM_TEST_EXEC='$(ARM64_EXEC)' GOARCH=arm64 CGO_ENABLED=1 CC=aarch64-linux-gnu-gcc $(GO) test -count=1 -timeout 15m -exec '$(ARM64_EXEC)' \
		$$($(GO) list ./... | grep -v -e '^payterm/rootfs' -e '^payterm/firmware$$' -e '^payterm/firmware/faults$$' -e '^payterm/pos/ocr$$' -e '^payterm/pos/cmd/pos$$')

test-unit:
	$(GO) test -short ./...

# One table of the performance goals, each measured as ratios in one run.
bench: deps
	@tools/bench.sh

include rootfs/Makefile.inc

# The update bundle of the current tree (update/bundle): slot A of the
# image's disk.img, the version in internal/version/VERSION, the kernel
# release from kernel.txt. Signed by BUNDLE_KEY — by default the
# DEVELOPMENT key out/keys/dev-update-key (made on first use; the tool
# warns when it signs with it); a release passes BUNDLE_KEY=its key file.
# The expiry is fixed from the last commit's time, so a tree builds to
# the same bytes twice.
BUNDLE      ?= $(OUT)/bundle/payterm.bundle
BUNDLE_KEY  ?= $(OUT)/keys/dev-update-key
BUNDLE_BOARDS ?= qemu-virt
BUNDLE_DAYS ?= 365
BUNDLE_EXPIRES ?= $(shell date -u -d "@$$(( $$(git log -1 --format=%ct 2>/dev/null || date +%s) + $(BUNDLE_DAYS) * 86400 ))" +%Y-%m-%dT%H:%M:%SZ)
bundle: image
	@mkdir -p $(dir $(BUNDLE)) $(dir $(BUNDLE_KEY))
	@test -f $(BUNDLE_KEY) || { echo "bundle: making the DEVELOPMENT key $(BUNDLE_KEY)"; \
		$(GO) run ./update/cmd/paytermbundle keygen -out $(BUNDLE_KEY) -name dev-update-key; }
	$(GO) run ./update/cmd/paytermbundle build -disk $(IMAGE_DIR)/disk.img -out $(BUNDLE) -key $(BUNDLE_KEY) \
		-version $$(cat internal/version/VERSION) -boards $(BUNDLE_BOARDS) \
		-kernel $$(awk '$$1 == "release" { print $$2 }' $(IMAGE_DIR)/kernel.txt) -expires $(BUNDLE_EXPIRES)

clean:
	rm -rf $(BIN) $(OUT)
