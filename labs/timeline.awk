# Formats `tcpdump -n -tt -S -r FILE` lines as the book draws its packets (UNP figures 2.2, 2.5):
#     0.000 ms  client ──── SYN ─────────────> server   seq 0 win 65495
# Run: tcpdump -n -tt -S -r cap.pcap 2>/dev/null | awk -v server_port=9877 -f timeline.awk
# Sequence numbers are relative to each side's SYN (or its first segment seen). A data segment
# or FIN that repeats a sequence number already sent is marked "retransmission", and a
# bare ACK that repeats its sender's last ACK, with nothing heard in between, "keepalive probe".
# With more than one client connection, "client" is followed by its port.
function flagname(f,    n) {
    n = ""
    if (f ~ /S/) n = n ",SYN"
    if (f ~ /F/) n = n ",FIN"
    if (f ~ /R/) n = n ",RST"
    if (f ~ /P/) n = n ",PSH"
    if (f ~ /\./) n = n ",ACK"
    return substr(n, 2)
}
function endpoint(s,    i) { i = match(s, /\.[0-9]+:?$/); port = substr(s, i + 1); sub(/:$/, "", port); return port }
# rule(n): n box-drawing dashes (counted here: mawk's length() counts bytes, not characters).
function rule(n,    out) { out = ""; while (n-- > 0) out = out "─"; return out }
{
    if ($2 != "IP" && $2 != "IP6") next
    src = endpoint($3); dst = endpoint($5)
    if (start == "") start = $1
    t = ($1 - start) * 1000
    f = $0; sub(/.*Flags \[/, "", f); sub(/\].*/, "", f)
    seq = ""; ack = ""; len = 0; win = ""
    if (match($0, /seq [0-9]+(:[0-9]+)?/)) seq = substr($0, RSTART + 4, RLENGTH - 4)
    if (match($0, /ack [0-9]+/)) ack = substr($0, RSTART + 4, RLENGTH - 4)
    if (match($0, /length [0-9]+/)) len = substr($0, RSTART + 7, RLENGTH - 7) + 0
    toserver = (dst == server_port)
    cport = toserver ? src : dst
    dir = toserver ? "c" cport : "s" cport
    other = toserver ? "s" cport : "c" cport
    split(seq, sq, ":")
    if (seq != "" && !(dir in base)) base[dir] = sq[1] + 0
    note = ""
    if (seq != "") {
        first = sq[1] - base[dir]
        last = (sq[2] != "" ? sq[2] - base[dir] : first)
        if (f ~ /S/ || f ~ /F/) last = last + 1
        if ((len > 0 || f ~ /[SF]/) && (dir in sent) && first < sent[dir]) note = "   (retransmission)"
        if (!(dir in sent) || last > sent[dir]) sent[dir] = last
        rel = (sq[2] != "" ? first ":" (sq[2] - base[dir]) : first)
    }
    ackrel = (ack != "" && (other in base)) ? ack - base[other] : ack
    label = flagname(f) (len > 0 ? " " len : "")
    # 24 characters between the two ends: "── SYN ───...──>" or "<── SYN,ACK ───...───".
    if (toserver) arrow = "── " label " " rule(24 - 5 - length(label)) ">"
    else arrow = "<── " label " " rule(24 - 5 - length(label))
    detail = ""
    if (seq != "") detail = detail "seq " rel
    if (ack != "") detail = detail (detail != "" ? " " : "") "ack " ackrel
    # A keepalive probe (UNP 7.5): a bare ACK that repeats this side's last ACK, with nothing
    # heard from the other side since (tcpdump prints no sequence number for it).
    if (f == "." && len == 0 && ack != "" && lastack[dir] == ack && !heard[dir]) note = "   (keepalive probe)"
    if (ack != "") lastack[dir] = ack
    heard[dir] = 0; heard[other] = 1
    n++; T[n] = t; C[n] = cport; A[n] = arrow; D[n] = detail; N[n] = note
    ports[cport] = 1
}
END {
    np = 0; for (p in ports) np++
    for (i = 1; i <= n; i++) {
        who = np > 1 ? "client:" C[i] : "client"
        printf "%9.3f ms  %s %s server   %s%s\n", T[i], who, A[i], D[i], N[i]
    }
}
