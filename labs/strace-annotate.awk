# Annotates `strace -f -o FILE` output of one connection to echosrv (the strace lab, UNP 4.8,
# 5.2-5.10): the lines of the parent's main thread and of the child, each followed by what it
# means; lines that mean nothing to the lesson (the runtime's other threads, its own pipes) are
# left out. Run: awk -v parent=PID -v child=PID -f strace-annotate.awk strace.out
#
# strace -f writes a call that another process interrupts in two pieces:
#     24    read(41,  <unfinished ...>
#     3     accept4(34, ...) = -1 EAGAIN (...)
#     24    <... read resumed>"hello\n", 16384) = 6
# Each pair is put back together, as one line, where the call returned.

function label(line, pid,    fd) {
    if (line ~ /accept4\(.*= -1 EAGAIN/) return "accept again: nothing more is queued (the listener is non-blocking; poll said when to come back)"
    if (pid == parent && line ~ /accept4\(.*= [0-9]+$/ && connfd == "") {
        connfd = ret(line); listenfd = firstarg(line)
        return "the parent accepts the connection: a new descriptor, " connfd " (UNP 4.6)"
    }
    if (pid == parent && line ~ /(clone3?|fork)\(.*= [0-9]+$/ && !forked) {
        forked = 1
        return "fork(): glibc calls clone with SIGCHLD; the child gets a copy of every descriptor (UNP 4.7)"
    }
    # Only the first close of the connected socket after the fork: the same number is used again later.
    if (pid == parent && forked && !parent_closed && line ~ /close\(/ && firstarg(line) == connfd) {
        parent_closed = 1
        return "the parent closes its copy of the connected socket: the child has its own (UNP 4.8)"
    }
    if (pid == child && line ~ /close\(/ && listenfd != "" && firstarg(line) == listenfd)
        return "the child closes the listening socket: only the parent accepts (UNP 4.8)"
    if (pid == child && line ~ /read\(/ && line ~ /hello/) return "str_echo: the child reads the line"
    if (pid == child && line ~ /write\(/ && line ~ /hello/) return "and writes it back (UNP 5.3)"
    if (pid == child && line ~ /read\(.*= 0$/) return "read returns 0: the client's FIN, end of file"
    if (pid == child && line ~ /exit(_group)?\(/) return "the child ends with _exit: the kernel closes its socket (our FIN) and sends the parent SIGCHLD"
    if (pid == child && line ~ /\+\+\+ exited/) return "the child is gone; it is a zombie until the parent waits for it"
    if (pid == parent && line ~ /read\(/ && line ~ /\\21\\0\\0\\0/) return "SIGCHLD (17), read from the signalfd as a signalfd_siginfo (UNP 5.9: the handler, turned into a read)"
    if (pid == parent && line ~ /wait4\(.*ECHILD/) return "no child left: the waitpid loop of UNP 5.10 ends"
    if (pid == parent && line ~ /wait4\(/ && ret(line) == child) return "waitpid(-1, &stat, WNOHANG): the zombie is reaped (UNP 5.10)"
    return ""
}
# The call's first argument (a descriptor), and what it returned.
function firstarg(line,    s) { s = line; sub(/^[^(]*\(/, "", s); sub(/[,)].*/, "", s); return s }
function ret(line,    s) { s = line; sub(/.*= /, "", s); sub(/ .*/, "", s); return s }

$1 != parent && $1 != child { next }
/<unfinished \.\.\.>$/ { line = $0; sub(/ *<unfinished \.\.\.>$/, "", line); pending[$1] = line; next }
/<\.\.\. [a-z0-9_]+ resumed>/ {
    rest = $0; sub(/^.*<\.\.\. [a-z0-9_]+ resumed> ?/, "", rest)
    line = ($1 in pending) ? pending[$1] " " rest : $0
    delete pending[$1]
    $0 = line
}
{
    why = label($0, $1)
    if (why != "") printf "%s\n      # %s\n", $0, why
}
