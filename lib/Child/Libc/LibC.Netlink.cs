// <linux/netlink.h>, <linux/sock_diag.h>, <linux/inet_diag.h>: the messages of NETLINK_SOCK_DIAG,
// the interface ss(8) reads sockets through. No calls of its own: socket(AF_NETLINK), send and
// read carry them. All blittable, laid out as the kernel's headers declare them.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace UnpServers.Interop;

#pragma warning disable CS0649, CS8981, IDE1006 // C names, lower case; fields are filled in by the kernel

/// <summary>struct nlmsghdr: 16 bytes before every netlink message.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct nlmsghdr
{
    public uint nlmsg_len;
    public ushort nlmsg_type;
    public ushort nlmsg_flags;
    public uint nlmsg_seq;
    public uint nlmsg_pid;
}

/// <summary>struct nlattr (rtattr): a length and a type before each attribute, 4 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct nlattr
{
    public ushort nla_len;
    public ushort nla_type;
}

/// <summary>An address of struct inet_diag_sockid: 4 big-endian 32-bit words, IPv4 in the first.</summary>
[InlineArray(16)]
public struct inet_diag_addr
{
    private byte _b;
}

/// <summary>struct inet_diag_sockid: 48 bytes; ports and addresses in network byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct inet_diag_sockid
{
    public ushort idiag_sport;
    public ushort idiag_dport;
    public inet_diag_addr idiag_src;
    public inet_diag_addr idiag_dst;
    public uint idiag_if;
    public uint idiag_cookie0; // __u32 idiag_cookie[2]: two words, so the struct stays 4-aligned
    public uint idiag_cookie1;
}

/// <summary>
/// struct inet_diag_req: the first request format (TCPDIAG_GETSOCK), 60 bytes. Its dump walks the
/// kernel's socket tables once for both families (sdiag_family AF_UNSPEC); SOCK_DIAG_BY_FAMILY's
/// walks them once per family.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct inet_diag_req
{
    public byte idiag_family;
    public byte idiag_src_len;
    public byte idiag_dst_len;
    public byte idiag_ext;
    public inet_diag_sockid id;
    public uint idiag_states;
    public uint idiag_dbs;
}

/// <summary>struct inet_diag_req_v2: which sockets a SOCK_DIAG_BY_FAMILY dump returns, 56 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct inet_diag_req_v2
{
    public byte sdiag_family;
    public byte sdiag_protocol;
    public byte idiag_ext;
    public byte pad;
    /// <summary>A bit per TCP state: 1 &lt;&lt; TCP_LISTEN, ...</summary>
    public uint idiag_states;
    public inet_diag_sockid id;
}

/// <summary>struct inet_diag_msg: one socket of the dump, 72 bytes (netstat's columns).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct inet_diag_msg
{
    public byte idiag_family;
    public byte idiag_state;
    /// <summary>0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero window probe.</summary>
    public byte idiag_timer;
    public byte idiag_retrans;
    public inet_diag_sockid id;
    /// <summary>Milliseconds until the timer fires (TIME_WAIT: until the socket goes).</summary>
    public uint idiag_expires;
    /// <summary>Recv-Q; for a listener, the connections in its accept queue.</summary>
    public uint idiag_rqueue;
    /// <summary>Send-Q; for a listener, its backlog.</summary>
    public uint idiag_wqueue;
    public uint idiag_uid;
    /// <summary>The socket's inode (socket:[N] in /proc/PID/fd); 0 in TIME_WAIT.</summary>
    public uint idiag_inode;
}

/// <summary>
/// struct inet_diag_bc_op: one instruction of the filter the kernel runs on each socket.
/// From this op, "yes" bytes on if the condition holds, "no" bytes on if not; landing exactly
/// at the end accepts the socket, past it rejects it. A port condition's port follows in the
/// "no" field of a second op.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct inet_diag_bc_op
{
    public byte code;
    public byte yes;
    public ushort no;
}
