# lienthong: `make run` builds and starts the demo; `make test` runs the whole suite.
# Both install what they need first (Debian packages via apt, the Python interop peer in a venv).

SWIFT        ?= swift
# curl: the demo's guide tells a newcomer to use it, and a test runs the guide as printed.
DEB_PACKAGES := libxml2-dev libssl-dev openssl libcurl4-openssl-dev libsqlite3-dev zlib1g-dev pkg-config xmlsec1 python3-venv curl
VENV         := .build/pyvenv
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The Swift driver leaves a TemporaryDirectory.* folder in TMPDIR for each compiler job (it
# keeps them on purpose); builds put theirs under .build, emptied before each build, not in /tmp.
DRIVER_TMP   := $(CURDIR)/.build/driver-tmp
SWIFT_BUILD   = rm -rf $(DRIVER_TMP) && mkdir -p $(DRIVER_TMP) && TMPDIR=$(DRIVER_TMP) $(SWIFT) build

.PHONY: all deps pydeps build release test test-browser screenshots run bench clean

all: build

# Install the Debian packages that are missing (apt-get update first, once).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The Python XML-DSig peer (signxml) used by the interop tests, in a virtual environment.
pydeps: deps
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/python -c 'import signxml' 2>/dev/null || $(VENV)/bin/pip install -q 'signxml>=3,<5' lxml

build: deps
	$(SWIFT_BUILD)

release: deps
	$(SWIFT_BUILD) -c release

test: deps pydeps
	$(SWIFT_BUILD) --build-tests
	LIENTHONG_PYTHON=$(CURDIR)/$(VENV)/bin/python $(SWIFT) test --skip-build --disable-xctest
	$(MAKE) test-browser

# The console driven in headless Chromium (issue 7); installs Debian's chromium when missing.
test-browser: deps
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }
	$(SWIFT_BUILD) --build-tests
	LIENTHONG_BROWSER_TESTS=1 $(SWIFT) test --skip-build --disable-xctest --filter BrowserTests

# Refresh the console screenshots that docs/ shows.
screenshots:
	LIENTHONG_SCREENSHOTS=$(CURDIR)/docs/screenshots $(MAKE) test-browser

# The demo network: a bus and two agencies' gateways on loopback (data kept in demo-data/).
run: build
	"$$($(SWIFT) build --show-bin-path)/lienthong" demo --data demo-data $(ARGS)

bench: deps
	$(SWIFT_BUILD) -c release
	.build/release/lienthong bench --help
	@echo "run one of the benchmarks above, e.g. .build/release/lienthong bench verify (see docs/PERFORMANCE.md)"

clean:
	rm -rf .build
