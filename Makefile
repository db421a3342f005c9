# fieldbrief — two commands matter:
#   make run    opens the app (on a sample data folder it creates on first use)
#   make test   runs every check: gofmt, go vet, staticcheck, go test -race,
#               and a real window under Xvfb
# Both install what is missing first: Debian packages (via apt-get, with sudo
# when not root) and Go modules (via the Go module proxy).

GO          ?= go
BIN         := bin/fieldbrief
DATA        ?= .sample-data
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
VERSION     := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X fieldbrief/cli.Version=$(VERSION)

.PHONY: run test deps modules build lint bench clean

deps:
	@scripts/install-deps.sh

modules:
	@$(GO) mod download

build: deps modules
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

run: build
	@if [ ! -f "$(DATA)/fieldbrief.db" ]; then ./$(BIN) demo --data "$(DATA)"; fi
	./$(BIN) --data "$(DATA)"

lint: deps modules
	@echo "gofmt:"; out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

test: lint
	$(GO) test -race -timeout 25m ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 20x ./storage/

clean:
	rm -rf bin
