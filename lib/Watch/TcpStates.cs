// The TCP states by the names of UNP figure 2.4 (the state transition diagram) and netstat.
using UnpServers.Interop;

namespace UnpServers.Watch;

public static class TcpStates
{
    /// <summary>"ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_2", ...; Linux's NEW_SYN_RECV (a connection in the SYN queue) is SYN_RCVD.</summary>
    public static string Name(int state) => state switch
    {
        LibC.TCP_ESTABLISHED => "ESTABLISHED",
        LibC.TCP_SYN_SENT => "SYN_SENT",
        LibC.TCP_SYN_RECV or LibC.TCP_NEW_SYN_RECV => "SYN_RCVD",
        LibC.TCP_FIN_WAIT1 => "FIN_WAIT_1",
        LibC.TCP_FIN_WAIT2 => "FIN_WAIT_2",
        LibC.TCP_TIME_WAIT => "TIME_WAIT",
        LibC.TCP_CLOSE => "CLOSED",
        LibC.TCP_CLOSE_WAIT => "CLOSE_WAIT",
        LibC.TCP_LAST_ACK => "LAST_ACK",
        LibC.TCP_LISTEN => "LISTEN",
        LibC.TCP_CLOSING => "CLOSING",
        _ => "STATE " + state,
    };

    /// <summary>The mask of inet_diag_req_v2.idiag_states for every state.</summary>
    public const uint All = 0xffffffff;

    public const uint Listen = 1u << LibC.TCP_LISTEN;
}
