/*
 * echosrv --model prefork's twin: UNP 30.6 serv02, N children forked at start, each blocking
 * in accept() on the listening socket they share, no lock (Linux wakes one per connection).
 * Usage: serv02 [--port N] [--workers N] [--log FILE]
 */
#include <stddef.h>

#include "unp.h"

int main(int argc, char **argv)
{
    return prefork_main(argc, argv, NULL, NULL, NULL);
}
