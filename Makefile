# UnpServers: UNP's concurrent servers and clients in C#.
#   make                 build the programs into bin/
#   make test            build, then run every NUnit test (what CI runs)
#   make install PREFIX=/usr/local
#   make demo            echosrv + echocli on a free port, with ps and ss views
#   make stress          the fork-safety soak: 100,000 connections, children killed under load
#   make labs            replay UNP's chapter-5 experiments (make lab-NAME for one)
#   make bench           echosrv against a C fork-per-connection server, side by side

DOTNET   ?= dotnet
PREFIX   ?= /usr/local
BIN      := bin
PROGRAMS := servers/echosrv/echosrv.csproj servers/daytimesrv/daytimesrv.csproj clients/echocli/echocli.csproj clients/daytimecli/daytimecli.csproj
# No telemetry banner, no first-run experience, in CI and on lab machines alike.
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

LABS := $(basename $(notdir $(filter-out labs/lib.sh,$(wildcard labs/*.sh))))

.PHONY: all build test test-deps install uninstall demo stress labs bench bench-deps clean

all: build

# ReadyToRun: the programs start from precompiled code instead of JIT-compiling it all
# (see servers/ForkingServer.props for the one assembly left to the JIT, and why).
RID := linux-$(shell uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
PUBLISH := -c Release -r $(RID) --self-contained false -p:PublishReadyToRun=true

build:
	@for p in $(PROGRAMS); do \
	  $(DOTNET) publish $$p $(PUBLISH) -o $(BIN) --nologo -v quiet -clp:NoSummary || exit 1; \
	done
	@echo "built: $$(cd $(BIN) && ls $(notdir $(basename $(PROGRAMS))) | tr '\n' ' ')in $(BIN)/"

# Tools the tests and labs drive, as command:package. socat is a non-.NET echo server and
# a super-server, as is tcpserver; ss and ps are what the labs show, tcpdump their packet
# timelines, strace the lab of that name. Installed if missing.
TEST_TOOLS := socat:socat tcpserver:ucspi-tcp ss:iproute2 ps:procps setpriv:util-linux prlimit:util-linux tcpdump:tcpdump strace:strace
test-deps:
	@missing=""; for tp in $(TEST_TOOLS); do command -v $${tp%%:*} >/dev/null || missing="$$missing $${tp#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing for the tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq$$missing >/dev/null; \
	fi

test: build test-deps
	./scripts/run-tests.sh

install: build
	install -d $(DESTDIR)$(PREFIX)/lib/unpservers $(DESTDIR)$(PREFIX)/bin
	cp -R $(BIN)/. $(DESTDIR)$(PREFIX)/lib/unpservers/
	@for p in $(notdir $(basename $(PROGRAMS))); do \
	  ln -sf ../lib/unpservers/$$p $(DESTDIR)$(PREFIX)/bin/$$p; \
	  echo "installed $(DESTDIR)$(PREFIX)/bin/$$p"; \
	done

uninstall:
	@for p in $(notdir $(basename $(PROGRAMS))); do rm -f $(DESTDIR)$(PREFIX)/bin/$$p; done
	rm -rf $(DESTDIR)$(PREFIX)/lib/unpservers

demo: build test-deps
	./scripts/demo.sh $(BIN)

# The UNP chapter-5 experiments, each one command that checks itself: make labs, make lab-zombies, ...
# A lab that cannot run here (the network-namespace labs without root) exits 77: skipped, not failed.
labs: build test-deps
	@failed=""; skipped=""; for l in $(LABS); do \
	  echo "################ lab $$l"; \
	  rc=0; BIN=$(CURDIR)/$(BIN) bash labs/$$l.sh || rc=$$?; \
	  if [ $$rc = 77 ]; then skipped="$$skipped $$l"; elif [ $$rc != 0 ]; then failed="$$failed $$l"; fi; \
	done; \
	if [ -n "$$skipped" ]; then echo "labs skipped:$$skipped"; fi; \
	if [ -n "$$failed" ]; then echo "labs failed:$$failed"; exit 1; else echo "labs: all $(words $(LABS)) passed or skipped"; fi

lab-%: build test-deps
	BIN=$(CURDIR)/$(BIN) bash labs/$*.sh

stress: build
	$(DOTNET) run --project tests/stress/UnpServers.Stress.csproj -c Release -- --server $(BIN)/echosrv $(STRESS_ARGS)

# The side-by-side benchmark (not part of make test): the C reference in bench/c, built
# with the system's gcc -O2, against echosrv, under the same load generator.
BENCH_BIN := bench/bin
$(BENCH_BIN)/%: bench/c/%.c
	@mkdir -p $(BENCH_BIN)
	gcc -O2 -Wall -Wextra -o $@ $<

bench-deps:
	@command -v gcc >/dev/null || { echo "installing gcc for the C reference"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gcc libc6-dev >/dev/null; }

$(BENCH_BIN)/tcpserv04 $(BENCH_BIN)/tcpcli: | bench-deps

bench: build $(BENCH_BIN)/tcpserv04 $(BENCH_BIN)/tcpcli
	$(DOTNET) run --project bench/loadgen/UnpServers.Bench.csproj -c Release -- \
	  --ours $(BIN)/echosrv --cserver $(BENCH_BIN)/tcpserv04 --echocli $(BIN)/echocli --ccli $(BENCH_BIN)/tcpcli $(BENCH_ARGS)

clean:
	rm -rf $(BIN)
	find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
