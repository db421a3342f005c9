# fieldbrief — two commands matter:
#   make run    opens the app (on a sample data folder it creates on first use)
#   make test   runs every check: gofmt, go vet, staticcheck, go test -race,
#               and a real window under Xvfb
# and one for the inner loop: make check (gofmt, vet, staticcheck, unit tests).
# Both install what is missing first: Debian packages (via apt-get, with sudo
# when not root) and Go modules (via the Go module proxy).

GO          ?= go
BIN         := bin/fieldbrief
DATA        ?= .sample-data
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
VERSION     := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X fieldbrief/cli.Version=$(VERSION)

.PHONY: run test check check-rest check-report-1 check-report-2 binary race-rest race-portal race-app-1 race-app-2 plain-1 plain-2 fuzz deps modules build lint bench bench-startup dist dist-test clean

deps:
	@scripts/install-deps.sh

modules:
	@$(GO) mod download

build: deps modules binary

binary:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/fieldbrief

run: build
	@if [ ! -f "$(DATA)/fieldbrief.db" ]; then ./$(BIN) demo --data "$(DATA)"; fi
	./$(BIN) --data "$(DATA)"

lint: deps modules
	@echo "gofmt:"; out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# FUZZTIME bounds each fuzz target's run in make test; a longer search is
# `make fuzz FUZZTIME=10m` (README, "Fuzzing").
FUZZTIME    ?= 10s

# make test runs every test in two passes (nothing is left out):
# - with the race detector, every package but e2e. The detector watches
#   the code of this module and of bbolt, and the standard library's
#   packages that share memory between goroutines (sync, net, os, io,
#   time, context, crypto/tls, testing): RACE_SCOPE. Not the rest of the
#   standard library nor other libraries (Fyne, go-text, fpdf, …):
#   watching those made up most of the time and finds only races inside
#   them (decision 0046).
# - without it, e2e (it drives the real binary, which is built without -race
#   anyway) and photo, whose pixel-exact tests run on one goroutine and skip
#   themselves under -race.
# The window tests (app) are the longest package and cannot run in parallel
# inside one process (Fyne's test app is global), so they run as two
# processes beside the other packages: tests named Test[A-N]… and the rest
# (-run and -skip of the same pattern, so no test falls between them).
# All of it, lint and the fuzzing run included, runs as parallel jobs;
# -Otarget keeps each job's output together.
# The test processes run with the garbage collector at a third of its
# default pace (GOGC=300): the window tests allocate fast and spent a fifth
# of their CPU collecting; at 300 they take 0.85× the CPU, for memory this
# machine has to spare. The portal processes whose memory the tests measure
# run with Go's default (portal/server/process_test.go). Decision 0048.
TEST_GOGC   := 300
RACE_WATCHED := fieldbrief go.etcd.io/bbolt sync internal/sync internal/poll net crypto/tls context io os time testing log
RACE_SCOPE  := -gcflags=all=-race=false $(foreach p,$(RACE_WATCHED),-gcflags=$(p)/...=-race)
RACE_TEST   := GOGC=$(TEST_GOGC) $(GO) test -race $(RACE_SCOPE) -timeout 30m
# The packages whose tests run portal processes and wait on them (and
# storage, to even the two jobs out) are a job of their own, race-portal,
# beside race-rest: as one job they took half as much CPU again as either
# half of app, and ran on alone for a minute and a half after the rest.
PORTAL_PKGS := fieldbrief/syncer fieldbrief/portal fieldbrief/portal/server fieldbrief/portal/wire fieldbrief/storage fieldbrief/cmd/fieldbrief-portal
RACE_PKGS    = $(filter-out fieldbrief/e2e fieldbrief/app $(PORTAL_PKGS),$(shell $(GO) list ./...))
APP_SPLIT   := ^Test[A-N]
PLAIN_PKGS  := ./photo/ ./e2e/
# The inspector's day under Xvfb at two screen sizes is half of e2e's time:
# it runs as a process of its own beside the rest.
E2E_SPLIT   := ^TestInspectorsDayOnSmallScreens$$

# make check is the quick inner loop: gofmt, vet, staticcheck and the unit
# tests without the race detector. It leaves out what drives whole processes
# or windows: app (the window, under Fyne's test driver), syncer (real
# portal processes) and e2e (the built binary under Xvfb), and, with
# -short, the tests of other packages that start a portal process
# (portal/server's limits, cli's checks against a portal) and the five-year
# sample store; make test runs them all. Unchanged packages' results come
# from Go's test cache.
CHECK_PKGS   = $(shell $(GO) list ./... | grep -v -e '^fieldbrief/e2e$$' -e '^fieldbrief/app$$' -e '^fieldbrief/syncer$$')

# The report package's tests are the longest of those (30 s one after the
# other): they run as two processes beside the rest, split as app's are.
REPORT_SPLIT := ^Test[A-L]
CHECK_TEST  := GOGC=$(TEST_GOGC) $(GO) test -short -timeout 10m

check: lint
	$(MAKE) --no-print-directory -j3 -Otarget check-rest check-report-1 check-report-2

check-rest:
	$(CHECK_TEST) $(filter-out fieldbrief/report,$(CHECK_PKGS))
check-report-1:
	$(CHECK_TEST) -run '$(REPORT_SPLIT)' ./report/
check-report-2:
	$(CHECK_TEST) -skip '$(REPORT_SPLIT)' ./report/

test: deps modules
	$(MAKE) --no-print-directory -j8 -Otarget lint race-rest race-portal race-app-1 race-app-2 plain-1 plain-2 fuzz

race-rest:
	$(RACE_TEST) $(RACE_PKGS)
race-portal:
	$(RACE_TEST) $(PORTAL_PKGS)
race-app-1:
	$(RACE_TEST) -run '$(APP_SPLIT)' ./app/
race-app-2:
	$(RACE_TEST) -skip '$(APP_SPLIT)' ./app/
# The e2e jobs test the binary that make builds, once for both
# (FIELDBRIEF_BINARY): each e2e process linked its own, 5 s of CPU.
plain-1: binary
	FIELDBRIEF_BINARY=$(CURDIR)/$(BIN) GOGC=$(TEST_GOGC) $(GO) test -timeout 20m -skip '$(E2E_SPLIT)' $(PLAIN_PKGS)
plain-2: binary
	FIELDBRIEF_BINARY=$(CURDIR)/$(BIN) GOGC=$(TEST_GOGC) $(GO) test -timeout 20m -run '$(E2E_SPLIT)' ./e2e/

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzPushChange$$' -fuzztime $(FUZZTIME) ./portal/server/

# The benchmarks with a target in BENCHMARKS.md, each figure beside its
# target; exits non-zero when one is missed. Not part of CI (README,
# "Benchmarks", says when to run it).
bench: deps modules
	scripts/bench.sh

# Release files into dist/: Windows .exe (mingw-w64 cross-build, icon and
# version info), Linux .tar.xz (fyne package), static portal binary.
dist: deps modules
	@scripts/install-deps.sh dist
	scripts/dist.sh

# Checks the release files; the Linux package is unpacked and started under Xvfb.
dist-test: dist
	scripts/test-dist.sh

bench-startup: build
	scripts/bench-startup.sh

clean:
	rm -rf bin dist build
