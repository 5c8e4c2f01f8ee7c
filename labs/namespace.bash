# A lab runs in namespaces of its own (docs/labs.md): a user namespace, in which the student has
# every capability over the lab's namespaces and nothing else; a network namespace with only a loopback, so its ports, its
# packet capture and its two "hosts" are nobody else's; a mount namespace (its own /run, for
# ip netns); and a pid namespace whose pid 1 is the lab, so that when the lab ends, however it
# ends, the kernel kills whatever it started. No root is needed where the kernel lets users
# create user namespaces. Sourced first by lib.sh.
#
# The lab script runs twice: outside, lab_namespace_enter picks the namespaces, makes the lab's
# temporary directory, runs the same script again inside them, passes signals on, removes the
# directory and exits with the lab's status. Inside (UNP_LAB_NS set) it returns at once.
# UNP_LAB_NS says where the lab runs:
#   user  a user, network, mount and pid namespace: the usual case for a student
#   root  as root: network, mount and pid namespaces, no user namespace
#   (either without the pid namespace where /proc cannot be mounted again, e.g. in some containers)
#   host  as root, on the machine's own network: ip netns for the two hosts, as before issue 21
#   none  as a user the kernel gives no namespace: the machine's loopback, no capture, no hosts

# The one line that says why there is no namespace, and which setting decides it.
UNP_LAB_NS_WHY=${UNP_LAB_NS_WHY:-}

# lab_userns_settings: the kernel settings that forbid users' namespaces, those that do here first.
lab_userns_settings() {
    local s v against=() others=()
    for s in kernel.unprivileged_userns_clone user.max_user_namespaces kernel.apparmor_restrict_unprivileged_userns; do
        v=$(cat "/proc/sys/${s//.//}" 2>/dev/null) || continue
        case $s=$v in
        kernel.unprivileged_userns_clone=0 | user.max_user_namespaces=0 | kernel.apparmor_restrict_unprivileged_userns=1) against+=("$s = $v") ;;
        *) others+=("$s = $v") ;;
        esac
    done
    if [ ${#against[@]} -gt 0 ]; then
        printf 'forbidden by %s' "$(IFS=,; echo "${against[*]}" | sed 's/,/, /g')"
    else
        printf 'the settings allow it (%s): a seccomp filter or a security module forbids it' \
            "$(IFS=,; echo "${others[*]:-none of kernel.unprivileged_userns_clone, user.max_user_namespaces}" | sed 's/,/, /g')"
    fi
}

# lab_mktemp: the lab's temporary directory, the only place it writes.
lab_mktemp() { UNP_LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/unp-lab.XXXXXX") || exit 2; export UNP_LAB_TMP; }

lab_namespace_enter() {
    if [ -n "${UNP_LAB_NS:-}" ]; then # inside; or told where to run (UNP_LAB_NS=none: the machine's network)
        [ -n "${UNP_LAB_TMP:-}" ] || lab_mktemp
        return 0
    fi
    # A user keeps their own uid inside (ps shows their name), with every capability over the
    # lab's namespaces only (--keep-caps: ambient, so that ip, tcpdump and strace have them too).
    # Root needs no user namespace (and in one, tcpdump could not set its groups to drop to root).
    local user=(unshare --user --map-current-user --keep-caps --net --mount) pid=(--pid --fork --mount-proc --kill-child)
    local err="" args=() forked=""
    if [ "$(id -u)" != 0 ]; then UNP_LAB_NS=user; else UNP_LAB_NS=root user=(unshare --net --mount); fi
    if err=$("${user[@]}" "${pid[@]}" true 2>&1); then args=("${user[@]}" "${pid[@]}") forked=1
    elif err=$("${user[@]}" true 2>&1); then args=("${user[@]}")
    elif [ "$UNP_LAB_NS" = root ]; then UNP_LAB_NS=host
    else UNP_LAB_NS=none
    fi
    case $UNP_LAB_NS in
    none)
        UNP_LAB_NS_WHY="no user namespace here (${err##*: }: $(lab_userns_settings)); the lab runs on this machine's loopback, without a packet capture"
        printf 'lab: %s\n' "$UNP_LAB_NS_WHY" >&2 ;;
    host)
        UNP_LAB_NS_WHY="no network namespace here (${err##*: }); as root, the lab runs on this machine's own network"
        printf 'lab: %s\n' "$UNP_LAB_NS_WHY" >&2 ;;
    esac
    export UNP_LAB_NS UNP_LAB_NS_WHY
    lab_mktemp
    [ ${#args[@]} -gt 0 ] || return 0 # host, none: the lab runs in this shell, and lib.sh's traps clean up

    # Asynchronous commands of a script start with SIGINT and SIGQUIT ignored, and would pass that
    # on to every program the lab starts: back to their default (as run-tests.sh does for make test).
    # SIGPIPE too, should this shell have been started with it ignored: the lab traps it.
    local dfl=(env --default-signal=INT,QUIT,PIPE)
    "${dfl[@]}" true 2>/dev/null || dfl=() # coreutils before 8.31
    "${dfl[@]}" "${args[@]}" -- bash "$0" "$@" &
    local inner=$! status killer=""
    # A signal to this shell (Ctrl-C, kill, a closed terminal) goes on to the lab: its traps stop
    # what it started, and its status says which signal it was. unshare --fork blocks SIGINT and
    # SIGTERM, so it goes to unshare's child, the lab; if the lab is still there 10 s later,
    # SIGKILL to unshare, and the pid namespace goes with it.
    lab_namespace_ours() { local stat; read -r stat 2>/dev/null < "/proc/$1/stat" && [ "$(set -- ${stat##*) }; echo "$2")" = "$$" ]; }
    lab_namespace_signal() {
        local lab=$inner
        [ -z "$forked" ] || lab=$(cat "/proc/$inner/task/$inner/children" 2>/dev/null) || lab=$inner
        kill "-$1" ${lab:-$inner} 2>/dev/null || return 0
        [ -n "$killer" ] && return 0
        # Only while $inner is still this shell's child: once reaped, its pid may be another's.
        ( for _ in $(seq 100); do lab_namespace_ours "$inner" || exit 0; sleep 0.1; done; lab_namespace_ours "$inner" && kill -KILL "$inner" 2>/dev/null ) &
        killer=$!
    }
    [ -z "${UNP_LAB_WATCH:-}" ] || lab_watch_pane "$inner" "$forked"
    trap 'lab_namespace_signal TERM' TERM
    trap 'lab_namespace_signal INT' INT
    trap 'lab_namespace_signal HUP' HUP
    while :; do
        status=0
        wait "$inner" || status=$?
        kill -0 "$inner" 2>/dev/null || break # not a signal that interrupted wait: the lab ended
    done
    if [ -n "$killer" ]; then kill "$killer" 2>/dev/null || true; wait "$killer" 2>/dev/null || true; fi
    rm -rf "$UNP_LAB_TMP"
    exit "$status"
}
# lab_watch_pane UNSHARE FORKED: make lab-NAME WATCH=1, unpwatch's live view beside the lab. The
# lab's network is its own, so the view must run inside its namespaces: in a tmux pane that
# nsenter puts there. It waits for the lab's server (port 9877) and ends with the lab (the pid
# namespace takes it along). Outside tmux, one line says how to get it.
lab_watch_pane() {
    local lab=$1 ns=(-n -m)
    if [ -z "${TMUX:-}" ] || ! command -v tmux >/dev/null; then
        printf 'lab: WATCH=1 shows unpwatch beside the lab in a tmux pane: run it inside tmux\n' >&2
        return 0
    fi
    if [ -n "$2" ]; then
        for _ in $(seq 50); do read -r lab _ < "/proc/$1/task/$1/children" 2>/dev/null && [ -n "$lab" ] && break; sleep 0.02; done
        ns+=(-p)
    fi
    [ "$UNP_LAB_NS" != user ] || ns=(-U --preserve-credentials "${ns[@]}")
    tmux split-window -h -d -- nsenter -t "${lab:-$1}" "${ns[@]}" -- \
        sh -c 'until "$0" --port 9877; do sleep 0.3; done' "$UNP_LAB_BIN/unpwatch" ||
        printf 'lab: WATCH=1: tmux could not open a pane\n' >&2
}

lab_namespace_enter "$@"
