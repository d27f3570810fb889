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

# The update bundle of the current tree (update/bundle): the image's boot
# slot (out/image/slot.vfat, what slot A holds), the version in
# internal/version/VERSION, the kernel release the image was built with
# (kernel.txt). Signed by BUNDLE_KEY — by default the DEVELOPMENT key
# out/keys/dev-update-key (made on first use; the tool warns when it signs
# with it); a release passes BUNDLE_KEY=its key file. The expiry counts
# from SOURCE_DATE_EPOCH, else the last commit's time, never the clock: a
# tree builds to the same bytes twice (update/cmd/paytermbundle's
# makefile_test.go checks these arguments). BUNDLE_MIN_VERSION sets the
# release's floor (terminals that commit it refuse anything older).
#
#   make bundle
#   make bundle-delta BASE=old-slot.vfat BASE_VERSION=0.8.0   (the slot.vfat of that release)
BUNDLE      ?= $(OUT)/bundle/payterm.bundle
BUNDLE_DELTA ?= $(OUT)/bundle/payterm-from-$(BASE_VERSION).bundle
BUNDLE_KEY  ?= $(OUT)/keys/dev-update-key
BUNDLE_BOARDS ?= qemu-virt
BUNDLE_DAYS ?= 365
BUNDLE_MIN_VERSION ?=
BUNDLE_EPOCH = $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null))
BUNDLE_EXPIRES = $(if $(BUNDLE_EPOCH),$(shell date -u -d "@$$(( $(BUNDLE_EPOCH) + $(BUNDLE_DAYS) * 86400 ))" +%Y-%m-%dT%H:%M:%SZ),$(error bundle: no commit time and no SOURCE_DATE_EPOCH for the expiry))
BUNDLE_KERNEL = $(shell awk '$$1 == "release" { print $$2 }' $(IMAGE_DIR)/kernel.txt)
BUNDLE_ARGS = -slot $(IMAGE_DIR)/slot.vfat -version $(shell cat internal/version/VERSION) -boards $(BUNDLE_BOARDS) \
	-kernel $(BUNDLE_KERNEL) -expires $(BUNDLE_EXPIRES)$(if $(BUNDLE_MIN_VERSION), -min-version $(BUNDLE_MIN_VERSION))
.PHONY: bundle-delta bundle-args bundle-key
bundle-key:
	@mkdir -p $(dir $(BUNDLE_KEY))
	@test -f $(BUNDLE_KEY) || { echo "bundle: making the DEVELOPMENT key $(BUNDLE_KEY)"; \
		$(GO) run ./update/cmd/paytermbundle keygen -out $(BUNDLE_KEY) -name dev-update-key; }
bundle: image bundle-key
	@mkdir -p $(dir $(BUNDLE))
	$(GO) run ./update/cmd/paytermbundle build $(BUNDLE_ARGS) -key $(BUNDLE_KEY) -out $(BUNDLE)
# A delta against the slot image of an installed release: refused by a
# terminal running anything else, so keep the full bundle beside it.
bundle-delta: image bundle-key
	@test -n "$(BASE)" -a -n "$(BASE_VERSION)" || { echo "bundle-delta: give BASE=<that release's slot.vfat> BASE_VERSION=<its version>"; exit 2; }
	@mkdir -p $(dir $(BUNDLE_DELTA))
	$(GO) run ./update/cmd/paytermbundle build $(BUNDLE_ARGS) -base $(BASE) -base-version $(BASE_VERSION) -codec zstd-delta \
		-key $(BUNDLE_KEY) -out $(BUNDLE_DELTA)
# The arguments make bundle passes (no image built): for the test that
# they come from the tree alone.
bundle-args:
	@echo $(BUNDLE_ARGS)

clean:
	rm -rf $(BIN) $(OUT)
