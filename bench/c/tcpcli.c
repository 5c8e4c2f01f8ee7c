/*
 * The C reference for echocli's start-up figure in make bench: connect, send stdin's one
 * line, print the echo, exit. Usage: tcpcli HOST PORT < line
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: tcpcli HOST PORT\n"); return 64; }
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc != 0) { fprintf(stderr, "tcp_connect error: %s\n", gai_strerror(rc)); return 1; }
    int fd = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) { perror("connect error"); return 1; }
    char line[4096];
    if (!fgets(line, sizeof line, stdin)) return 0;
    size_t n = strlen(line);
    if (write(fd, line, n) != (ssize_t)n) { perror("write error"); return 1; }
    shutdown(fd, SHUT_WR);
    ssize_t r;
    while ((r = read(fd, line, sizeof line)) > 0) fwrite(line, 1, (size_t)r, stdout);
    return r < 0;
}
