# rolecall — build, test, demo and benchmarks. `make help` lists the targets.
SWIFT ?= swift
DB ?= rolecall-demo.db
BIN_DEBUG = .build/debug/rolecall
BIN_RELEASE = .build/release/rolecall
BENCH_DIR ?= bench-data
REPORT ?= rolecall-report.html
CHROMIUM ?= chromium

.PHONY: help build release test test-fast test-slow demo report-screenshot queries docs bench bench-data bench-cli bench-swift bench-cluster bench-fleet clean fuzz sanitize

help:
	@echo "make demo    build, ingest the bundled fixtures into $(DB), answer real questions, write $(REPORT)"
	@echo "make report-screenshot  regenerate docs/report.png (the HTML report of the bundled fixtures) with headless chromium"
	@echo "make test    build and run every test: make test-fast, then make test-slow (the Slow suites, ~2 minutes)"
	@echo "make bench   generate S/M/XL, XL-dense and XL-pods50k clusters with workloads; measure every command and its growth"
	@echo "make bench-cluster  time ingest --cluster through kubectl against a fake API server serving XL"
	@echo "make bench-fleet    FLEET_CLUSTERS (100) clusters of M in one database: the --clusters questions, timed"
	@echo "make queries regenerate Sources/RBACStore/EmbeddedQueries.swift from queries/*.sql (and data/)"
	@echo "make docs    regenerate docs/primitives.md (the escalation catalog) and docs/ci-example.md (the CI recipe run)"

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --static-swift-stdlib

# Tests in a `Slow` suite (hundreds of random clusters, an ingest killed again and again) run as a step of their own.
SLOW_TESTS = '\.Slow/'

test: test-fast test-slow

test-fast:
	$(SWIFT) test --skip $(SLOW_TESTS)

test-slow:
	$(SWIFT) test --filter $(SLOW_TESTS)

queries:
	./scripts/embed-queries.sh

docs: build
	./scripts/docs-primitives.sh $(BIN_DEBUG)
	./scripts/ci-example.sh $(BIN_DEBUG) > docs/ci-example.md

demo: build
	@rm -f $(DB) $(DB)-wal $(DB)-shm
	@echo '$$ rolecall ingest fixtures/bootstrap fixtures/apps fixtures/cases/semantics.yaml --snapshot demo'
	@$(BIN_DEBUG) ingest fixtures/bootstrap fixtures/apps fixtures/cases/semantics.yaml --snapshot demo --db $(DB)
	@./scripts/demo.sh $(BIN_DEBUG) $(DB)
	@echo
	@echo '# The whole snapshot as one self-contained HTML page (open it in a browser; it loads nothing from the network)'
	@echo '$$ rolecall report --snapshot demo -o html > $(REPORT)'
	@$(BIN_DEBUG) report --snapshot demo -o html --db $(DB) > $(REPORT)
	@echo "$(abspath $(REPORT))"

# The report of the bundled fixtures (the demo snapshot alone), photographed by Debian's headless chromium at the
# size the README shows it. Run it after a change to the page, and look at the picture before committing it.
report-screenshot: build
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	  $(BIN_DEBUG) ingest fixtures/bootstrap fixtures/apps fixtures/cases/semantics.yaml --snapshot demo --db "$$d/report.db" -q && \
	  $(BIN_DEBUG) report --db "$$d/report.db" -o html > "$$d/report.html" && \
	  $(CHROMIUM) --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$$d/profile" \
	    --virtual-time-budget=3000 --window-size=1280,1600 --screenshot=$(abspath docs/report.png) \
	    "file://$$d/report.html" 2>/dev/null && \
	  echo "docs/report.png"

bench: release bench-data bench-cli bench-swift

bench-data:
	@./scripts/bench-data.sh $(BENCH_DIR)

bench-cli: release bench-data
	./scripts/bench-cli.sh $(BIN_RELEASE) $(BENCH_DIR)

bench-swift: bench-data
	cd Benchmarks && ROLECALL_BENCH_DATA=$(abspath $(BENCH_DIR)) $(SWIFT) package --allow-writing-to-package-directory benchmark --no-progress

# The fleet questions (--clusters) over FLEET_CLUSTERS clusters of M's size in one SQLite database.
FLEET_CLUSTERS ?= 100
bench-fleet: release
	./scripts/bench-fleet.sh $(BIN_RELEASE) $(BENCH_DIR) $(FLEET_CLUSTERS)

bench-cluster: release bench-data
	./scripts/bench-cluster.sh $(BIN_RELEASE) $(BENCH_DIR)/XL/cluster.json

# Fuzzes ingest with libFuzzer for FUZZ_SECONDS (default 60); not part of `make test`. Builds into .build-fuzz.
fuzz:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) ./scripts/fuzz.sh

# Each sanitizer builds into its own folder, so that neither disturbs the plain debug build. The live-cluster tests
# are skipped: they time kubectl and a Python server, which the sanitizers only slow down.
sanitize:
	LSAN_OPTIONS=suppressions=$(abspath scripts/lsan.supp) $(SWIFT) test --sanitize=address --scratch-path .build-asan --skip LiveClusterTests
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan --skip LiveClusterTests

clean:
	rm -rf .build Benchmarks/.build $(BENCH_DIR) $(DB) $(DB)-wal $(DB)-shm $(REPORT)
