# UnpServers: UNP's concurrent servers and clients in C#.
#   make                 build the programs into bin/
#   make test            build, then run every NUnit test (what CI runs)
#   make install         PREFIX=$HOME/.local for a user, /usr/local for root; PREFIX=/opt/unp for a class
#   make demo            echosrv + echocli on a free port, with ps and ss views and an unpwatch frame
#   make stress          the fork-safety soak: 100,000 connections, children killed under load
#   make labs            replay UNP's chapter-5 experiments (make lab-NAME for one, STEP=1 to pause)
#   make bench           every echosrv design beside its C twin, start-up beside a hello world (SAVE=1 keeps the figures)
#   make forkcost        what one fork of the echosrv parent costs, against C
#   make help            the targets and the labs

DOTNET   ?= dotnet
# A user installs into their own ~/.local (no root needed); root, for everyone, into /usr/local.
PREFIX   ?= $(if $(filter 0,$(shell id -u)),/usr/local,$(HOME)/.local)
BIN      := bin
# Every program is one native executable, compiled ahead of time once (programs/, a multi-call
# binary: docs/native-build.md): bin/unpservers, with its symbols beside it in unpservers.dbg
# for gdb, and each program a hard link to it, whose name picks the program.
NAMES    := echosrv echocli daytimesrv daytimecli unpwatch
# No telemetry banner, no first-run experience, in CI and on lab machines alike.
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: all build test test-deps install uninstall demo stress labs help bench bench-banner bench-deps forkcost clean

all: build

RID := linux-$(shell uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
PUBLISH := -c Release -r $(RID)

# The programs are published again only when a source changed: bin/.built is newer than every
# source of the programs (tests/ is not one), so a lab that takes 0.4 s does not wait for a build.
SOURCES := Directory.Build.props Native.props $(shell find lib servers clients programs tools -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) -not -path '*/obj/*' -not -path '*/bin/*')
STAMP   := $(BIN)/.built

build: $(STAMP)

# Native AOT links with gcc and strips the symbols into unpservers.dbg with objcopy (binutils).
$(STAMP): $(SOURCES)
	@scripts/need.sh make gcc:gcc objcopy:binutils
	@$(DOTNET) publish programs/unpservers.csproj $(PUBLISH) -o obj/publish --nologo -v quiet -clp:NoSummary
	@mkdir -p $(BIN)
	@rm -f $(BIN)/*.dll $(BIN)/*.pdb $(BIN)/*.json # what a build from before Native AOT left
	@# A new file renamed into place, not copied over the old one: a server still running from bin/ keeps its own.
	@for f in unpservers unpservers.dbg; do cp obj/publish/$$f $(BIN)/$$f.new && mv -f $(BIN)/$$f.new $(BIN)/$$f || exit 1; done
	@for p in $(NAMES); do ln -f $(BIN)/unpservers $(BIN)/$$p; done
	@touch $@
	@echo "built: $(NAMES) in $(BIN)/"

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

# The programs, unp-lab, the labs and their answers (scripts/install.sh says where each goes);
# a class shares one read-only install: make install PREFIX=/opt/unp, once.
install: build
	@scripts/install.sh $(BIN) "$(DESTDIR)$(PREFIX)"

uninstall:
	@scripts/install.sh --uninstall "$(DESTDIR)$(PREFIX)"

demo: build
	@scripts/need.sh "make demo" ss:iproute2 ps:procps
	./scripts/demo.sh $(BIN)

# The UNP experiments, each one command that checks itself: make labs, make lab-zombies, ...
# in the book's order (startup first), from each lab's "# unp:" header line. Each runs in
# namespaces of its own, with no root (labs/namespace.bash). A lab that exits 77 could not run
# here and is reported as skipped, not failed. scripts/unp-lab is what make install installs.
labs: build
	@UNP_LAB_BIN=$(CURDIR)/$(BIN) scripts/unp-lab --all

lab-%:
	@if [ "$*" = lib ] || [ ! -f labs/$*.sh ]; then \
	  echo "make: there is no lab '$*'; the labs are:"; scripts/labs.sh help; exit 2; fi
	@$(MAKE) --no-print-directory -s build
	@UNP_LAB_BIN=$(CURDIR)/$(BIN) UNP_LAB_STEP=$(STEP) UNP_LAB_WATCH=$(WATCH) scripts/unp-lab $*; status=$$?; \
	  if [ $$status = 77 ]; then echo "lab $* skipped: it cannot run here (see above)"; exit 0; fi; exit $$status

help:
	@echo "make                 build the programs into $(BIN)/ (again only when a source changed)"
	@echo "make test            build, install the test tools if missing, run every NUnit test and every lab (CI)"
	@echo "make install         the programs, unp-lab and the labs into PREFIX (PREFIX=$(PREFIX)); PREFIX=/opt/unp for a class"
	@echo "make uninstall       remove what make install put there"
	@echo "make demo            echosrv and echocli on a free port, with the ps and ss views and an unpwatch frame"
	@echo "make stress          the fork-safety soak (STRESS_ARGS=\"--connections 20000\" for a shorter one)"
	@echo "make labs            every lab below, in the book's order, each in namespaces of its own (no root needed)"
	@echo "make bench           every design beside its C twin, and start-up (needs gcc; about 10 minutes on every core; SAVE=1: into bench/results/)"
	@echo "make forkcost        what one fork of the echosrv parent costs, against C (needs gcc)"
	@echo "make clean           remove every build output"
	@echo "make help            this list"
	@echo
	@echo "The labs (UNP section, what each one shows); STEP=1 pauses before each step:"
	@scripts/labs.sh help

stress: build
	$(DOTNET) run --project tests/stress/UnpServers.Stress.csproj -c Release -- --server $(BIN)/echosrv $(STRESS_ARGS)

# The side-by-side benchmark (not part of make test): the C twins of echosrv's designs in
# bench/c (UNP's serv00-serv08, tcpservselect01, tcpservpoll01, an epoll one; unp.c is their
# lib/), built with the system's gcc -O2, against echosrv, under the same load generator.
BENCH_BIN := bench/bin
TWINS     := serv00 serv01 serv02 serv03 serv04 serv05 serv06 serv07 serv08 tcpservselect01 tcpservpoll01 tcpservepoll01
$(addprefix $(BENCH_BIN)/,$(TWINS) tcpcli): $(BENCH_BIN)/%: bench/c/%.c bench/c/unp.c bench/c/unp.h | bench-deps
	@mkdir -p $(BENCH_BIN)
	gcc -O2 -Wall -Wextra -pthread -o $@ $< bench/c/unp.c

bench-deps:
	@scripts/need.sh "make bench" gcc:gcc

$(BENCH_BIN)/forkcost $(BENCH_BIN)/forkmodel: $(BENCH_BIN)/%: bench/forkcost/%.c | bench-deps
	@mkdir -p $(BENCH_BIN)
	gcc -O2 -Wall -Wextra -o $@ $<

# The start-up clock: every program (hello world, ours, C) spawned and timed the same way.
$(BENCH_BIN)/startclock: bench/startup/startclock.c | bench-deps
	@mkdir -p $(BENCH_BIN)
	gcc -O2 -Wall -Wextra -o $@ $<

# The start-up yardstick (issue 13): a plain hello world, published like the programs.
$(BENCH_BIN)/hello/hello: bench/hello/Program.cs bench/hello/hello.csproj
	$(DOTNET) publish bench/hello/hello.csproj $(PUBLISH) --self-contained false -p:PublishReadyToRun=true -o $(BENCH_BIN)/hello --nologo -v quiet -clp:NoSummary

# Fork per connection against C serv01, start-up against the hello world, then the designs
# table (UNP figure 30.1): every echosrv --model beside its C twin. Under nice, as it loads
# every core; its figures go to bench/out/ (not tracked), or with SAVE=1 to bench/results/
# (the committed copies). A short run: make bench BENCH_ARGS="--rounds 1 --seconds 2 --models fork,prefork".
BENCH_OUT := $(if $(SAVE),bench/results,bench/out)
bench: bench-banner build $(addprefix $(BENCH_BIN)/,$(TWINS) tcpcli startclock hello/hello)
	@$(DOTNET) build bench/loadgen/UnpServers.Bench.csproj -c Release --nologo -v quiet -clp:NoSummary
	nice -n 10 $(DOTNET) run --no-build --project bench/loadgen/UnpServers.Bench.csproj -c Release -- \
	  --ours $(BIN)/echosrv --echocli $(BIN)/echocli --cbin $(BENCH_BIN) --out $(BENCH_OUT) $(BENCH_ARGS)

bench-banner:
	@echo "make bench: loads every core for about 10 minutes (under nice; BENCH_ARGS=\"--rounds 1 --seconds 2\" for a short run); figures to $(BENCH_OUT)/"

# What one fork of the running echosrv parent costs, against C serv01 (bench/forkcost/run.sh);
# FORKCOST_ARGS="--count 500 DOTNET_GCgen0size=0x40000" measures a lever; bench/bin/forkmodel, the cost model.
forkcost: build $(BENCH_BIN)/serv01 $(BENCH_BIN)/forkcost $(BENCH_BIN)/forkmodel
	bench/forkcost/run.sh $(FORKCOST_ARGS)

clean:
	rm -rf $(BIN) obj
	find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
