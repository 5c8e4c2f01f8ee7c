# UnpServers: UNP's concurrent servers and clients in C#.
#   make                 build the programs into bin/
#   make test            build, then run every NUnit test (what CI runs)
#   make install PREFIX=/usr/local
#   make demo            echosrv + echocli on a free port, with ps and ss views and an unpwatch frame
#   make stress          the fork-safety soak: 100,000 connections, children killed under load
#   make labs            replay UNP's chapter-5 experiments (make lab-NAME for one)
#   make bench           echosrv against a C fork-per-connection server, side by side, then every design
#   make forkcost        what one fork of the echosrv parent costs, against C
#   make help            the targets and the labs

DOTNET   ?= dotnet
PREFIX   ?= /usr/local
BIN      := bin
# Every program writes the same libraries into bin/: UnpServers.Lib.dll (ReadyToRun) and
# UnpServers.ChildPath.dll (JIT-compiled, fork-safety R4; see Directory.Build.props).
PROGRAMS := clients/echocli/echocli.csproj clients/daytimecli/daytimecli.csproj servers/echosrv/echosrv.csproj servers/daytimesrv/daytimesrv.csproj tools/unpwatch/unpwatch.csproj
# No telemetry banner, no first-run experience, in CI and on lab machines alike.
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: all build test test-deps install uninstall demo stress labs help bench bench-deps forkcost clean

all: build

# ReadyToRun: the programs start from precompiled code instead of JIT-compiling it all
# (see Directory.Build.props for the one assembly left to the JIT, and why).
RID := linux-$(shell uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
PUBLISH := -c Release -r $(RID) --self-contained false -p:PublishReadyToRun=true

# The programs are published again only when a source changed: bin/.built is newer than every
# source of the programs (tests/ is not one), so a lab that takes 0.4 s does not wait 6 s for a build.
SOURCES := Directory.Build.props $(shell find lib servers clients tools -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) -not -path '*/obj/*' -not -path '*/bin/*')
STAMP   := $(BIN)/.built

build: $(STAMP)

$(STAMP): $(SOURCES)
	@for p in $(PROGRAMS); do \
	  $(DOTNET) publish $$p $(PUBLISH) -o $(BIN) --nologo -v quiet -clp:NoSummary || exit 1; \
	done
	@touch $@
	@echo "built: $$(cd $(BIN) && ls $(notdir $(basename $(PROGRAMS))) | tr '\n' ' ')in $(BIN)/"

# Each target installs what it uses, no more (scripts/need.sh: as root with apt-get, with sudo when it
# asks no password; otherwise one line says what is missing). Tools as command:package.
# The tests: socat and tcpserver as super-servers and a non-.NET echo server; ss and ps, as the labs;
# setpriv and prlimit to run a server as another user or with fewer descriptors; script for a pty;
# strace to inject accept() errors.
# make test also installs what every lab needs (each lab's "# needs:" header line): it runs them all.
TEST_TOOLS := socat:socat tcpserver:ucspi-tcp ss:iproute2 ps:procps setpriv:util-linux prlimit:util-linux script:bsdutils strace:strace
test-deps:
	@scripts/need.sh "make test" $(TEST_TOOLS) $(shell scripts/labs.sh needs)

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

demo: build
	@scripts/need.sh "make demo" ss:iproute2 ps:procps
	./scripts/demo.sh $(BIN)

# The UNP experiments, each one command that checks itself: make labs, make lab-zombies, ...
# in the book's order (startup first), from each lab's "# unp:" header line. A lab that exits 77
# could not run here (e.g. it needs root) and is reported as skipped, not failed.
labs: build
	@scripts/need.sh "make labs" $(shell scripts/labs.sh needs)
	@BIN=$(CURDIR)/$(BIN) scripts/labs.sh run

lab-%:
	@if [ "$*" = lib ] || [ ! -f labs/$*.sh ]; then \
	  echo "make: there is no lab '$*'; the labs are:"; scripts/labs.sh help; exit 2; fi
	@$(MAKE) --no-print-directory -s build
	@scripts/need.sh "make lab-$*" --lab labs/$*.sh
	@BIN=$(CURDIR)/$(BIN) bash labs/$*.sh; status=$$?; \
	  if [ $$status = 77 ]; then echo "lab $* skipped: it cannot run here (see above)"; exit 0; fi; exit $$status

help:
	@echo "make                 build the programs into $(BIN)/ (again only when a source changed)"
	@echo "make test            build, install the test tools if missing, run every NUnit test and every lab (CI)"
	@echo "make install         copy $(BIN)/ to PREFIX/lib/unpservers, link the programs into PREFIX/bin (PREFIX=$(PREFIX))"
	@echo "make uninstall       remove what make install put there"
	@echo "make demo            echosrv and echocli on a free port, with the ps and ss views and an unpwatch frame"
	@echo "make stress          the fork-safety soak (STRESS_ARGS=\"--connections 20000\" for a shorter one)"
	@echo "make labs            every lab below, in the book's order"
	@echo "make bench           echosrv against a C fork-per-connection server, then every design (needs gcc)"
	@echo "make forkcost        what one fork of the echosrv parent costs, against C (needs gcc)"
	@echo "make clean           remove every build output"
	@echo "make help            this list"
	@echo
	@echo "The labs (UNP section, what each one shows):"
	@scripts/labs.sh help

stress: build
	$(DOTNET) run --project tests/stress/UnpServers.Stress.csproj -c Release -- --server $(BIN)/echosrv $(STRESS_ARGS)

# The side-by-side benchmark (not part of make test): the C reference in bench/c, built
# with the system's gcc -O2, against echosrv, under the same load generator.
BENCH_BIN := bench/bin
$(BENCH_BIN)/%: bench/c/%.c
	@mkdir -p $(BENCH_BIN)
	gcc -O2 -Wall -Wextra -o $@ $<

bench-deps:
	@scripts/need.sh "make bench" gcc:gcc

$(BENCH_BIN)/forkcost $(BENCH_BIN)/forkmodel: $(BENCH_BIN)/%: bench/forkcost/%.c
	@mkdir -p $(BENCH_BIN)
	gcc -O2 -Wall -Wextra -o $@ $<

$(BENCH_BIN)/tcpserv04 $(BENCH_BIN)/tcpcli $(BENCH_BIN)/prefork $(BENCH_BIN)/forkcost $(BENCH_BIN)/forkmodel: | bench-deps

# The start-up yardstick (issue 13): a plain hello world, published like the programs.
$(BENCH_BIN)/hello/hello: bench/hello/Program.cs bench/hello/hello.csproj
	$(DOTNET) publish bench/hello/hello.csproj $(PUBLISH) -o $(BENCH_BIN)/hello --nologo -v quiet -clp:NoSummary

# Then the designs table (UNP figure 30.1): every echosrv --model beside C fork and C prefork
# (bench/c/prefork.c). A short run: make bench BENCH_ARGS="--rounds 1 --seconds 2 --models fork,prefork".
bench: build $(BENCH_BIN)/tcpserv04 $(BENCH_BIN)/tcpcli $(BENCH_BIN)/prefork $(BENCH_BIN)/hello/hello
	$(DOTNET) run --project bench/loadgen/UnpServers.Bench.csproj -c Release -- \
	  --ours $(BIN)/echosrv --cserver $(BENCH_BIN)/tcpserv04 --echocli $(BIN)/echocli --ccli $(BENCH_BIN)/tcpcli \
	  --cprefork $(BENCH_BIN)/prefork $(BENCH_ARGS)

# What one fork of the running echosrv parent costs, against tcpserv04 (bench/forkcost/run.sh);
# FORKCOST_ARGS="--count 500 DOTNET_GCgen0size=0x40000" measures a lever; bench/bin/forkmodel, the cost model.
forkcost: build $(BENCH_BIN)/tcpserv04 $(BENCH_BIN)/forkcost $(BENCH_BIN)/forkmodel
	bench/forkcost/run.sh $(FORKCOST_ARGS)

clean:
	rm -rf $(BIN)
	find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
