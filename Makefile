# undersign: the everyday commands. README.md explains each.
GO ?= go
PKGS := ./...

.PHONY: run test lint bench bench-smoke build fmt

run: ## serve on http://localhost:8080 with an SQLite file in ./data
	$(GO) run ./cmd/undersign serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/undersign ./cmd/undersign

test: ## every test, on SQLite and PostgreSQL
	$(GO) test -count=1 -timeout 20m $(PKGS)

# gosec is installed at a pinned version into .cache/ instead of being a
# `tool` in go.mod: gosec v2.30.0 would add some 45 modules to the app's
# module graph (the AI SDKs of its autofix, gRPC, Google Cloud, OpenTelemetry).
# govulncheck and staticcheck are go.mod tools (`go tool ...`).
GOSEC_VERSION := v2.30.0
GOSEC := .cache/tools/gosec-$(GOSEC_VERSION)/gosec

lint: $(GOSEC) ## formatting, vet, static analysis, gosec and govulncheck (offline; see SECURITY.md)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)
	$(GOSEC) -quiet -color=false -exclude-generated $(PKGS)
	scripts/vulndb.sh

$(GOSEC):
	GOBIN=$(CURDIR)/$(dir $(GOSEC)) $(GO) install github.com/securego/gosec/v2/cmd/gosec@$(GOSEC_VERSION)

BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
BENCH_FLAGS ?=

# BENCH_N (list sizes, e.g. 10000,100000), BENCH_DURATION (e.g. 30s) and
# BENCH_CONNS scale both targets; the environment reaches the bench as is.
bench: ## performance figures on PostgreSQL and SQLite (see README)
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/undersign ./cmd/undersign
	$(GO) run ./cmd/undersign-bench -bin bin/undersign -db "$(BENCH_POSTGRES_URL)" $(BENCH_FLAGS)
	$(GO) run ./cmd/undersign-bench -bin bin/undersign -db sqlite $(BENCH_FLAGS)

bench-smoke: ## the bench in its short mode on both databases: fails on any error, not on speed (CI)
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/undersign ./cmd/undersign
	$(GO) build -o bin/undersign-bench ./cmd/undersign-bench
	bin/undersign-bench -short -bin bin/undersign -db "$(BENCH_POSTGRES_URL)" $(BENCH_FLAGS)
	bin/undersign-bench -short -bin bin/undersign -db sqlite $(BENCH_FLAGS)

fmt:
	gofmt -w $$(git ls-files '*.go')
