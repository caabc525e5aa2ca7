# undersign: the everyday commands. README.md explains each.
GO ?= go
PKGS := ./...

.PHONY: run test lint bench build fmt

run: ## serve on http://localhost:8080 with an SQLite file in ./data
	$(GO) run ./cmd/undersign serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/undersign ./cmd/undersign

test: ## every test, on SQLite and PostgreSQL
	$(GO) test -count=1 -timeout 20m $(PKGS)

lint: ## formatting, vet and static analysis
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

bench: ## performance figures (see README)
	@echo "make bench: the load benchmark arrives with the performance work"

fmt:
	gofmt -w $$(git ls-files '*.go')
