# llmcost: make run (demo server), make test (all tests). "make help" lists targets.

GO              ?= go
VERSION         ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# -s -w drop the symbol table and DWARF; --exclude-libs keeps the C++ symbols of
# DuckDB's static library out of the dynamic symbol table (llmcost loads no
# DuckDB extensions, which would need them). docs/size.md has the figures.
LDFLAGS         := -s -w -X main.Version=$(VERSION) -extldflags=-Wl,--exclude-libs,ALL
# SIZE_BUDGET is the most bytes the stripped bin/llmcost may take ("make size").
SIZE_BUDGET     := 100000000
ECHARTS_VERSION := 5.6.0
ECHARTS_DIR     := internal/web/static/vendor/echarts
BENCH_TIMEOUT   ?= 90m

# RACE_PKGS are the packages whose own code runs goroutines or shares state
# between them (servers, loops, caches, connection pools); "make test" runs
# them under the race detector and every other package without it.
MODULE          := github.com/llmcost/llmcost
RACE_PKGS       := $(addprefix $(MODULE)/,cmd/llmcost internal/alert internal/allocation internal/auth \
                   internal/budgetcheck internal/chat internal/clickhouse internal/duckdb internal/httpapi internal/ingest \
                   internal/mcp internal/pgwire internal/postgres internal/query)

.PHONY: help build size size-report run test test-race bench lint echarts

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## Build bin/llmcost, stripped, with the version stamped in.
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/llmcost ./cmd/llmcost

size: build ## Fail when bin/llmcost is larger than SIZE_BUDGET bytes.
	@size=$$(stat -c %s bin/llmcost); \
	echo "bin/llmcost: $$size bytes (budget $(SIZE_BUDGET))"; \
	if [ $$size -gt $(SIZE_BUDGET) ]; then echo "bin/llmcost is over its size budget; see docs/size.md"; exit 1; fi

size-report: ## Print the bytes each Go module and the cgo code add to the binary.
	$(GO) build -ldflags "-X main.Version=$(VERSION)" -o bin/llmcost-symbols ./cmd/llmcost
	scripts/size-by-module.sh bin/llmcost-symbols

run: ## Start the server on generated demo data (prints URL and tokens).
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/llmcost demo

test: ## Run every test once; the race detector on the packages that run goroutines (RACE_PKGS).
	$(GO) test -race -count=1 $(RACE_PKGS)
	$(GO) test -count=1 $(filter-out $(RACE_PKGS),$(shell $(GO) list ./...))

print-race-pkgs:
	@echo $(RACE_PKGS)

test-race: ## Run every test with the race detector (slow on 2 cores: docs/testing.md).
	$(GO) test -race -count=1 ./...

bench: ## Run every benchmark once (LLMCOST_BENCH_ROWS shrinks the 36.5M-row panel and chat benchmarks; LLMCOST_BENCH_STORE=DIR keeps the chat one's store; LLMCOST_BENCH_INGEST_ROWS sizes the CLI ingest one, 1M by default).
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
