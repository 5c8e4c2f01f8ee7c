// A child's buffers are not zeroed before use: str_echo's 16 KiB stack buffer would otherwise
// dirty four pages of every child's stack, private memory the kernel copies for nothing
// (docs/performance.md, a held child's memory). Every buffer here is written before it is read.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
