# cfgtui: two commands do all the set-up on a fresh Debian machine with Swift at /opt/swift.
#   make run    install what is missing, build, run cfgtui on this host (demo set when nothing is readable)
#   make test   install what is missing, build, run every test (what CI runs)
# Installing: make deb (.build/deb/cfgtui_VERSION_amd64.deb, VERSION as cfgtui --version prints),
# make install / make uninstall (PREFIX=/usr/local, DESTDIR=): the static release binary, man pages
# and shell completions.
# Other targets: make build, make release, make dist, make bench, make screenshots, make fuzz,
# make lint, make deps.

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

# Debian packages cfgtui needs: ncursesw and libpci headers to build, pci.ids for names, lspci.
PACKAGES := libncursesw5-dev libpci-dev pciutils pci.ids
# And for the tests: lspci (the decoding oracle, above), tmux (the real terminal) and QEMU (the
# write-semantics oracle, qemu-system-x86_64 -qtest), and what ../shared/tools/vfio_oracle boots
# (a Debian kernel and busybox-static: the real vfio-pci, the vfio model's oracle), and for
# scripts/qemu_vfio_oracle.py (QEMU's vfio-pci inside that guest, the qemu model's oracle) gcc
# and libc6-dev for its static qtest driver, zstd for a zstd-compressed kernel; strace watches
# every command's system calls to prove cfgtui never writes configuration space (ReadOnlyTests).
# lintian checks the .deb and jq runs the man pages' examples (PackageTests).
TEST_PACKAGES := tmux qemu-system-x86 linux-image-amd64 busybox-static gcc libc6-dev zstd strace \
	lintian jq
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT_BUILD_FLAGS ?=

.PHONY: run test build release dist install uninstall deb deps test-deps lint bench screenshots fuzz clean

# Where make install puts things (DESTDIR for staging). zsh completions go to Debian's
# vendor-completions under /usr, to site-functions elsewhere (zsh's default fpath).
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
BASH_COMPLETION_DIR := $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR := $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
FISH_COMPLETION_DIR := $(PREFIX)/share/fish/vendor_completions.d
RELEASE_BINARY := .build/release/cfgtui
# Build outputs, never committed: the man pages (gzip -9n) and completions from the release binary.
DIST := .build/dist
# One page per docs/man fragment (scripts/manpages.sh fails unless they match the subcommands).
MAN_PAGES := cfgtui.1.gz $(patsubst %,cfgtui-%.1.gz,$(filter-out cfgtui,$(basename $(notdir $(wildcard docs/man/*.mdoc)))))

run: deps release
	./.build/release/cfgtui $(ARGS)

test: test-deps
	$(MAKE) --no-print-directory deb
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	swift test --skip-build $(SWIFT_BUILD_FLAGS)
	$(MAKE) --no-print-directory lint
	@if [ "$$CI" = true ]; then $(MAKE) --no-print-directory fuzz; fi

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

# The binary that ships: the Swift runtime linked in, so a host needs only Debian's C libraries.
release: deps
	swift build -c release --static-swift-stdlib $(SWIFT_BUILD_FLAGS)

# Man pages (scripts/manpages.sh: generate-manual plus docs/man/*.mdoc) and completions (the
# bash one without its #!: it is sourced, not run).
dist: release
	rm -rf $(DIST) && mkdir -p $(DIST)/man1 $(DIST)/completions
	scripts/manpages.sh $(RELEASE_BINARY) $(DIST)/man1
	gzip -9n $(DIST)/man1/*.1
	$(RELEASE_BINARY) --generate-completion-script bash | sed '1{/^#!/d}' > $(DIST)/completions/cfgtui
	$(RELEASE_BINARY) --generate-completion-script zsh > $(DIST)/completions/_cfgtui
	$(RELEASE_BINARY) --generate-completion-script fish > $(DIST)/completions/cfgtui.fish

install: dist
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASH_COMPLETION_DIR) \
		$(DESTDIR)$(ZSH_COMPLETION_DIR) $(DESTDIR)$(FISH_COMPLETION_DIR)
	install -m 755 -s $(RELEASE_BINARY) $(DESTDIR)$(BINDIR)/cfgtui
	install -m 644 $(addprefix $(DIST)/man1/,$(MAN_PAGES)) $(DESTDIR)$(MAN1DIR)/
	install -m 644 $(DIST)/completions/cfgtui $(DESTDIR)$(BASH_COMPLETION_DIR)/cfgtui
	install -m 644 $(DIST)/completions/_cfgtui $(DESTDIR)$(ZSH_COMPLETION_DIR)/_cfgtui
	install -m 644 $(DIST)/completions/cfgtui.fish $(DESTDIR)$(FISH_COMPLETION_DIR)/cfgtui.fish

# Removes exactly the files install puts there (same PREFIX and DESTDIR); directories stay.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cfgtui $(addprefix $(DESTDIR)$(MAN1DIR)/,$(MAN_PAGES)) \
		$(DESTDIR)$(BASH_COMPLETION_DIR)/cfgtui $(DESTDIR)$(ZSH_COMPLETION_DIR)/_cfgtui \
		$(DESTDIR)$(FISH_COMPLETION_DIR)/cfgtui.fish

# The Debian package (scripts/deb.sh): .build/deb/cfgtui_VERSION_amd64.deb (PackageTests run lintian on it).
deb: PACKAGES += dpkg-dev
deb: dist
	scripts/deb.sh $(RELEASE_BINARY) $(DIST) .build/deb

# Installs the Debian packages that are missing (apt-get update first, sudo when not root).
test-deps: PACKAGES += $(TEST_PACKAGES)
test-deps: deps

deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@command -v swift >/dev/null || { echo "swift not found (expected /opt/swift/usr/bin/swift)"; exit 1; }

# Style and layer checks: swift-format, C modules imported only at the edges, and no Foundation
# in Sources beyond PlanFileDecoder's JSON (ICU and the Foundation runtime stay out of the binary).
lint:
	swift format lint --strict -r Sources Tests Fuzz
	@bad=$$(grep -rl '^import CCurses' Sources | grep -v '^Sources/cfgtui/Terminal/' || true); \
	if [ -n "$$bad" ]; then echo "import CCurses outside Sources/cfgtui/Terminal: $$bad"; exit 1; fi
	@bad=$$(grep -rl '^import CPCI' Sources | grep -v '^Sources/cfgtui/PCI/LibPCISource.swift$$' || true); \
	if [ -n "$$bad" ]; then echo "import CPCI outside Sources/cfgtui/PCI/LibPCISource.swift: $$bad"; exit 1; fi
	@bad=$$(grep -rlE '^(@[A-Za-z_]+ )*import (Foundation|FoundationEssentials|FoundationInternationalization)\b' Sources \
		| grep -v '^Sources/cfgtui/IO/PlanFileDecoder.swift$$' || true); \
	if [ -n "$$bad" ]; then echo "Foundation imported in Sources (the shipped binary runs on Glibc; only PlanFileDecoder uses FoundationEssentials): $$bad"; exit 1; fi
	@echo "lint: ok"

bench: test-deps release
	./scripts/bench.sh

screenshots: test-deps release
	./scripts/screenshots.sh

# libFuzzer (scripts/fuzz.sh): checks a trap, a leak and a hang are caught, then runs every
# target for FUZZ_SECONDS and fails on any crash, hang, leak or sanitizer report.
FUZZ_SECONDS ?= 30
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh --self-test
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh

clean:
	rm -rf .build
