# hookdrill build and test entry points. `make test` is what CI runs.
GO       ?= go
FUZZTIME ?= 5000x
BIN      ?= bin/hookdrill

.PHONY: all test fmt-check vet lint unit fuzz-smoke build bench bench-compare fuzz spec-update clean

all: build

## test: everything CI checks: formatting, vet, staticcheck, race tests, a short fuzz run
test: fmt-check vet lint unit fuzz-smoke

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint:
	$(GO) tool staticcheck ./...

unit:
	$(GO) test -race -count=1 ./...

## fuzz-smoke: every Fuzz target for $(FUZZTIME) executions (seed corpus plus fresh inputs; a count, not a duration: see scripts/fuzz-smoke.sh)
fuzz-smoke:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz-smoke.sh

## fuzz: longer fuzzing, e.g. make fuzz FUZZTIME=2m
fuzz:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz-smoke.sh

build:
	$(GO) build -o $(BIN) ./cmd/hookdrill

## bench: every Go benchmark, with allocations
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...

## bench-compare: sender throughput next to wrk against the same local receiver
bench-compare:
	./scripts/bench-compare.sh

## spec-update: fetch Prolific's current OpenAPI document into the spec-drift guard's testdata and run the guard (needs the network; fails clearly without it)
spec-update:
	./scripts/spec-update.sh

clean:
	rm -rf bin
