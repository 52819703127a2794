# llmcost: make run (demo server), make test (all tests). "make help" lists targets.

GO              ?= go
VERSION         ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS         := -X main.Version=$(VERSION)
ECHARTS_VERSION := 5.6.0
ECHARTS_DIR     := internal/web/static/vendor/echarts
BENCH_TIMEOUT   ?= 90m

.PHONY: help build run test bench lint echarts

help: ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## Build bin/llmcost with the version stamped in.
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/llmcost ./cmd/llmcost

run: ## Start the server on generated demo data (prints URL and tokens).
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/llmcost demo

test: ## Run every test with the race detector.
	$(GO) test -race -count=1 ./...

bench: ## Run every benchmark once (LLMCOST_BENCH_ROWS shrinks the 36.5M-row panel benchmark; LLMCOST_BENCH_INGEST_ROWS sizes the CLI ingest one, 1M by default).
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout $(BENCH_TIMEOUT) ./...

lint: ## go vet and a gofmt check.
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

echarts: ## Vendor the pinned ECharts release (ECHARTS_VERSION) into the web UI from npm.
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	(cd "$$tmp" && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null && tar xzf echarts-$(ECHARTS_VERSION).tgz) && \
	mkdir -p $(ECHARTS_DIR) && \
	cp "$$tmp/package/dist/echarts.min.js" "$$tmp/package/LICENSE" $(ECHARTS_DIR)/ && \
	if [ -f "$$tmp/package/NOTICE" ]; then cp "$$tmp/package/NOTICE" $(ECHARTS_DIR)/; fi
