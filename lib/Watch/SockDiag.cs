// The TCP sockets of some ports, read the way ss(8) reads them (sock-diag(7)): a netlink dump
// the kernel filters with a small bytecode program ("local port is P or remote port is P"), so
// only what the ports have is copied out. The kernel still walks every TCP socket of the
// machine to apply it, which on a machine left with 100,000 TIME_WAITs costs milliseconds: the
// dump is asked in the first request format (TCPDIAG_GETSOCK), whose one walk covers IPv4 and
// IPv6 (SOCK_DIAG_BY_FAMILY walks once per family, the fallback where the old one is gone).
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using UnpServers.Interop;
using UnpServers.Unp;

namespace UnpServers.Watch;

public sealed class SockDiag : IDisposable
{
    private int _fd;
    private uint _seq;
    private bool _perFamily, _noIPv6;
    // One netlink datagram: the kernel fills a dump's messages up to 32 KiB at a time.
    private readonly byte[] _buf = new byte[64 * 1024];

    private SockDiag(int fd) => _fd = fd;

    public static SockDiag Open()
    {
        int fd = LibC.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, LibC.NETLINK_SOCK_DIAG);
        if (fd < 0) throw new UnpException("socket", Errno.Last, $"socket error for NETLINK_SOCK_DIAG: {ErrorText.Describe(Errno.Last)}");
        return new SockDiag(fd);
    }

    /// <summary>Most ports a filter names (each costs 24 bytes of bytecode).</summary>
    public const int MaxPorts = 16;

    /// <summary>
    /// Appends to into every TCP socket, IPv4 and IPv6, in one of states (a TcpStates mask)
    /// whose local or remote port is one of ports (every port when ports is empty).
    /// </summary>
    public void Dump(ReadOnlySpan<ushort> ports, uint states, List<TcpSocket> into)
    {
        if (ports.Length > MaxPorts) throw new ArgumentOutOfRangeException(nameof(ports));
        if (!_perFamily)
        {
            if (Dump(LibC.TCPDIAG_GETSOCK, AF_UNSPEC, ports, states, into)) return;
            _perFamily = true; // a kernel without the first format: one dump per family from now on
        }
        Dump(LibC.SOCK_DIAG_BY_FAMILY, AF_INET, ports, states, into);
        if (!_noIPv6 && !Dump(LibC.SOCK_DIAG_BY_FAMILY, AF_INET6, ports, states, into)) _noIPv6 = true;
    }

    /// <summary>One dump; false if the kernel does not know the request (its format, or IPv6).</summary>
    private bool Dump(ushort type, int family, ReadOnlySpan<ushort> ports, uint states, List<TcpSocket> into)
    {
        Span<byte> req = stackalloc byte[Request.Size(type, ports.Length)];
        uint seq = ++_seq;
        Request.Write(req, type, seq, family, ports, states);
        if (LibC.send(_fd, req, 0) < 0) throw new UnpException("send", Errno.Last, $"sock_diag send error: {ErrorText.Describe(Errno.Last)}");
        int count = into.Count;
        for (;;)
        {
            nint n = LibC.read(_fd, _buf);
            if (n < 0)
            {
                if (Errno.Last == EINTR) continue;
                throw new UnpException("recv", Errno.Last, $"sock_diag recv error: {ErrorText.Describe(Errno.Last)}");
            }
            int status = n == 0 ? 0 : Parse(_buf.AsSpan(0, (int)n), seq, into);
            if (status == More) continue;
            if (status == 0) return true;
            into.RemoveRange(count, into.Count - count);
            if (status == ENOENT || status == EINVAL || status == EAFNOSUPPORT || status == EOPNOTSUPP) return false;
            throw new UnpException("sock_diag", status, $"sock_diag error: {ErrorText.Describe(status)}");
        }
    }

    private const int More = -1;

    /// <summary>The messages of one datagram: More, 0 at the end of the dump, or the errno the kernel answered.</summary>
    private static int Parse(ReadOnlySpan<byte> data, uint seq, List<TcpSocket> into)
    {
        while (data.Length >= NlmsghdrSize)
        {
            var h = MemoryMarshal.Read<nlmsghdr>(data);
            if (h.nlmsg_len < NlmsghdrSize || h.nlmsg_len > data.Length) return 0;
            ReadOnlySpan<byte> body = data[NlmsghdrSize..(int)h.nlmsg_len];
            data = data[Math.Min(data.Length, Align(h.nlmsg_len))..];
            if (h.nlmsg_seq != seq) continue; // the rest of an earlier dump
            if (h.nlmsg_type == LibC.NLMSG_DONE) return 0;
            if (h.nlmsg_type == LibC.NLMSG_ERROR)
            {
                int err = -MemoryMarshal.Read<int>(body);
                if (err != 0) return err;
                continue;
            }
            if (body.Length >= MsgSize) into.Add(ToSocket(MemoryMarshal.Read<inet_diag_msg>(body)));
        }
        return More;
    }

    private static TcpSocket ToSocket(in inet_diag_msg m) => new()
    {
        Local = TcpEndpoint.From(m.idiag_family, m.id.idiag_src, BinaryPrimitives.ReverseEndianness(m.id.idiag_sport)),
        Remote = TcpEndpoint.From(m.idiag_family, m.id.idiag_dst, BinaryPrimitives.ReverseEndianness(m.id.idiag_dport)),
        State = m.idiag_state,
        RecvQ = m.idiag_rqueue,
        SendQ = m.idiag_wqueue,
        Inode = m.idiag_inode,
        Uid = m.idiag_uid,
        ExpiresMs = m.idiag_expires,
    };

    private static readonly int NlmsghdrSize = Marshal.SizeOf<nlmsghdr>();
    private static readonly int MsgSize = Marshal.SizeOf<inet_diag_msg>();

    private static int Align(uint len) => (int)((len + 3) & ~3u);

    public void Dispose()
    {
        if (_fd >= 0) LibC.close(_fd);
        _fd = -1;
    }

    /// <summary>The request: nlmsghdr, inet_diag_req (or _v2), then the filter as an INET_DIAG_REQ_BYTECODE attribute.</summary>
    private static class Request
    {
        private static readonly int Attr = Marshal.SizeOf<nlattr>();

        private static int Header(ushort type)
            => NlmsghdrSize + (type == LibC.TCPDIAG_GETSOCK ? Marshal.SizeOf<inet_diag_req>() : Marshal.SizeOf<inet_diag_req_v2>());

        /// <summary>
        /// Per port, "local port is P" then "remote port is P", each an 8-byte condition followed
        /// by a 4-byte jump to the end (accept); the last condition has no jump.
        /// </summary>
        private static int BytecodeSize(int ports) => ports == 0 ? 0 : 2 * ports * 12 - 4;

        public static int Size(ushort type, int ports) => Header(type) + (ports == 0 ? 0 : Attr + BytecodeSize(ports));

        public static void Write(Span<byte> buf, ushort type, uint seq, int family, ReadOnlySpan<ushort> ports, uint states)
        {
            buf.Clear();
            var h = new nlmsghdr
            {
                nlmsg_len = (uint)buf.Length,
                nlmsg_type = type,
                nlmsg_flags = LibC.NLM_F_REQUEST | LibC.NLM_F_DUMP,
                nlmsg_seq = seq,
            };
            MemoryMarshal.Write(buf, in h);
            if (type == LibC.TCPDIAG_GETSOCK)
                MemoryMarshal.Write(buf[NlmsghdrSize..], new inet_diag_req { idiag_family = (byte)family, idiag_states = states });
            else
                MemoryMarshal.Write(buf[NlmsghdrSize..], new inet_diag_req_v2 { sdiag_family = (byte)family, sdiag_protocol = (byte)IPPROTO_TCP, idiag_states = states });
            if (ports.Length == 0) return;
            int header = Header(type), bcLen = BytecodeSize(ports.Length);
            MemoryMarshal.Write(buf[header..], new nlattr { nla_len = (ushort)(Attr + bcLen), nla_type = LibC.INET_DIAG_REQ_BYTECODE });
            Span<byte> bc = buf[(header + Attr)..];
            int conditions = 2 * ports.Length, at = 0;
            for (int i = 0; i < conditions; i++)
            {
                // True: on to the jump after it (the last one: to the end, accepted). False: over
                // the jump to the next condition (the last one: past the end, rejected).
                Op(bc, ref at, i % 2 == 0 ? LibC.INET_DIAG_BC_S_EQ : LibC.INET_DIAG_BC_D_EQ, 8, 12);
                Op(bc, ref at, 0, 0, ports[i / 2]);
                if (i < conditions - 1) Op(bc, ref at, LibC.INET_DIAG_BC_JMP, 4, (ushort)(bcLen - at));
            }
        }

        private static void Op(Span<byte> bc, ref int at, byte code, byte yes, ushort no)
        {
            MemoryMarshal.Write(bc[at..], new inet_diag_bc_op { code = code, yes = yes, no = no });
            at += 4;
        }
    }
}
