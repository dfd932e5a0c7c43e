# hookdrill build and test entry points. `make test` is what CI runs.
GO       ?= go
FUZZTIME ?= 5000x
BIN      ?= bin/hookdrill

.PHONY: all test fmt-check vet lint unit fuzz-smoke build bench bench-compare bench-load fuzz spec-update clean release-snapshot-test

all: build

## test: everything CI checks: formatting, vet, staticcheck, race tests, a short fuzz run
test: fmt-check vet lint unit fuzz-smoke

fmt-check:
	@echo "== gofmt: checking formatting"
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	@echo "== go vet"
	$(GO) vet ./...

lint:
	@echo "== staticcheck (the first run builds it: about a minute)"
	$(GO) tool staticcheck ./...

## unit: go test -race needs cgo, so gcc and the C library headers (apt-get install gcc libc6-dev)
unit:
	@echo "== go test -race (needs gcc for cgo)"
	@command -v gcc >/dev/null 2>&1 || { echo "go test -race needs cgo: install gcc and libc6-dev (apt-get install gcc libc6-dev)"; exit 1; }
	$(GO) test -race -count=1 ./...

## fuzz-smoke: every Fuzz target for $(FUZZTIME) executions (seed corpus plus fresh inputs; a count, not a duration: see scripts/fuzz-smoke.sh)
fuzz-smoke:
	@echo "== fuzz smoke: every Fuzz target for $(FUZZTIME) executions"
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

## bench-load: hookdrill load next to vegeta (a test-only Go module) against the same local receiver, same run
bench-load:
	$(GO) test -run '^$$' -bench 'BenchmarkLoad' -benchtime 1x -count 1 ./load/

## spec-update: fetch Prolific's current OpenAPI document into the spec-drift guard's testdata and run the guard (needs the network; fails clearly without it)
spec-update:
	./scripts/spec-update.sh

clean:
	rm -rf bin

## release-snapshot-test: goreleaser release --snapshot with .goreleaser.yaml, archives and checksums checked (slow: six cross-builds)
release-snapshot-test:
	HOOKDRILL_TEST_RELEASE=1 $(GO) test -count=1 -run '^TestGoReleaserSnapshot$$' -v ./internal/repotest
