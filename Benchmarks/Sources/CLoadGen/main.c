// The load generator of the side-by-side run: raw sockets, epoll, one thread, time-bounded.
//
//   CLoadGen pingpong --port P [--conns 1] [--size 64] [--seconds 2] [--warmup-ms 200]
//   CLoadGen udp      --port P [--conns 10] [--size 64] [--seconds 2] [--warmup-ms 200]
//   CLoadGen stream   --port P [--bytes 1073741824] [--seconds 60]
//   CLoadGen accept   --port P [--seconds 2]
//   CLoadGen idle     --port P [--conns 10000] [--seconds 60]
//
// Every mode talks to an echo server on 127.0.0.1 only. It prints `start` when the measured part
// begins (so the caller can sample the server's CPU time) and then one `result key=value ...` line.
// `idle` prints `ready conns=N` once N connections are open and each has echoed one byte, then
// holds them until its standard input closes or --seconds pass. The process stops by itself after
// its time bound (SIGALRM) in every mode.
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

static int port = 0, conns = -1, size = 64, warmup_ms = 200;
static double seconds = -1;
static long long total_bytes = 1LL << 30;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static struct sockaddr_in server_address(void) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return a;
}

// Connects a blocking TCP socket with TCP_NODELAY, and a close that resets (no TIME_WAIT pile-up).
static int connect_tcp(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = server_address();
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct linger linger = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    return fd;
}

static void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

static void read_fully(int fd, char *buffer, size_t length) {
    size_t got = 0;
    while (got < length) {
        ssize_t n = read(fd, buffer + got, length - got);
        if (n <= 0) die("read");
        got += (size_t)n;
    }
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

// Round-trip times of the measured messages, sorted at the end for the percentiles.
static uint64_t *samples;
static size_t sample_count, sample_capacity;

static void record(uint64_t latency) {
    if (sample_count == sample_capacity) {
        sample_capacity = sample_capacity ? sample_capacity * 2 : 1 << 16;
        samples = realloc(samples, sample_capacity * sizeof *samples);
        if (!samples) die("realloc");
    }
    samples[sample_count++] = latency;
}

static double percentile_us(double p) {
    if (sample_count == 0) return 0;
    size_t index = (size_t)(p * (double)(sample_count - 1));
    return (double)samples[index] / 1000.0;
}

typedef struct {
    int fd;
    size_t sent, received;
    uint64_t started;
} connection;

static void announce_start(void) {
    printf("start\n");
    fflush(stdout);
}

// Each connection (TCP or connected UDP) keeps one message in flight: send, wait for the echo, repeat.
static void ping_pong(int udp) {
    if (conns < 0) conns = udp ? 10 : 1;
    if (seconds < 0) seconds = 2;
    connection *all = calloc((size_t)conns, sizeof *all);
    char *message = malloc((size_t)size), *buffer = malloc((size_t)size + 65536);
    memset(message, 'x', (size_t)size);
    int epoll = epoll_create1(0);
    struct sockaddr_in a = server_address();
    for (int i = 0; i < conns; i++) {
        if (udp) {
            all[i].fd = socket(AF_INET, SOCK_DGRAM, 0);
            if (all[i].fd < 0 || connect(all[i].fd, (struct sockaddr *)&a, sizeof a) != 0) die("udp connect");
        } else {
            all[i].fd = connect_tcp();
        }
        set_nonblocking(all[i].fd);
        struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(epoll, EPOLL_CTL_ADD, all[i].fd, &event);
    }
    uint64_t begin = now_ns(), measure_from = begin + (uint64_t)warmup_ms * 1000000u;
    uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
    for (int i = 0; i < conns; i++) {
        all[i].started = begin;
        if (write(all[i].fd, message, (size_t)size) != size) die("first write");
    }
    long long messages = 0, lost = 0;
    int measuring = 0;
    struct epoll_event events[256];
    for (;;) {
        uint64_t now = now_ns();
        if (!measuring && now >= measure_from) {
            measuring = 1;
            announce_start();
        }
        if (now >= end) break;
        int ready = epoll_wait(epoll, events, 256, 10);
        if (ready < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < ready; e++) {
            connection *c = &all[events[e].data.u32];
            ssize_t n = read(c->fd, buffer, (size_t)size + 65536);
            if (n < 0 && (errno == EAGAIN || errno == ECONNREFUSED)) continue;
            if (n <= 0) die("read");
            c->received += (size_t)n;
            if (c->received < (size_t)size) continue;  // TCP may split a message
            if (c->received > (size_t)size) { fprintf(stderr, "more bytes than sent\n"); exit(1); }
            uint64_t done = now_ns();
            if (done >= measure_from && done < end) {
                messages++;
                record(done - c->started);
            }
            c->received = 0;
            c->started = done;
            if (write(c->fd, message, (size_t)size) != size) die("write");
        }
        if (udp) {  // a datagram can be dropped: send again after 200 ms without an answer
            uint64_t stale = now_ns() - 200000000u;
            for (int i = 0; i < conns; i++)
                if (all[i].started < stale) {
                    lost++;
                    all[i].started = now_ns();
                    if (write(all[i].fd, message, (size_t)size) != size) die("write");
                }
        }
    }
    double elapsed = (double)(now_ns() - measure_from) / 1e9;
    qsort(samples, sample_count, sizeof *samples, compare_u64);
    printf("result msgs=%lld seconds=%.3f rate=%.1f p50_us=%.1f p99_us=%.1f lost=%lld\n", messages, elapsed,
           (double)messages / elapsed, percentile_us(0.50), percentile_us(0.99), lost);
    fflush(stdout);
}

// One connection: write --bytes while reading the echo back; the rate counts the bytes echoed.
static void stream(void) {
    if (seconds < 0) seconds = 60;
    int fd = connect_tcp();
    set_nonblocking(fd);
    size_t chunk = 256 * 1024;
    char *out = malloc(chunk), *in = malloc(chunk);
    memset(out, 'x', chunk);
    long long sent = 0, received = 0;
    announce_start();
    uint64_t begin = now_ns();
    while (received < total_bytes) {
        struct pollfd p = {.fd = fd, .events = POLLIN | (sent < total_bytes ? POLLOUT : 0)};
        if (poll(&p, 1, 1000) < 0 && errno != EINTR) die("poll");
        if (sent < total_bytes && (p.revents & POLLOUT)) {
            size_t want = (size_t)(total_bytes - sent) < chunk ? (size_t)(total_bytes - sent) : chunk;
            ssize_t n = write(fd, out, want);
            if (n > 0) sent += n;
            else if (n < 0 && errno != EAGAIN) die("write");
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(fd, in, chunk);
            if (n > 0) received += n;
            else if (n == 0 || errno != EAGAIN) die("read");
        }
    }
    double elapsed = (double)(now_ns() - begin) / 1e9;
    printf("result bytes=%lld seconds=%.3f rate=%.1f gbps=%.3f\n", received, elapsed, (double)received / elapsed,
           (double)received / elapsed / 1e9);
    fflush(stdout);
}

// Connections one after another: connect, one byte there and back, reset.
static void accept_rate(void) {
    if (seconds < 0) seconds = 2;
    char byte = 'x';
    announce_start();
    uint64_t begin = now_ns(), end = begin + (uint64_t)(seconds * 1e9);
    long long count = 0;
    uint64_t slowest = 0;
    while (now_ns() < end) {
        uint64_t opened = now_ns();
        int fd = connect_tcp();
        if (write(fd, &byte, 1) != 1) die("write");
        read_fully(fd, &byte, 1);
        close(fd);
        count++;
        if (now_ns() - opened > slowest) slowest = now_ns() - opened;
    }
    double elapsed = (double)(now_ns() - begin) / 1e9;
    // The slowest connection shows stalls, such as a SYN retransmitted after a full backlog (1 s).
    printf("result conns=%lld seconds=%.3f rate=%.1f slowest_ms=%.2f\n", count, elapsed, (double)count / elapsed,
           (double)slowest / 1e6);
    fflush(stdout);
}

// Opens --conns connections, each echoing one byte, then holds them idle.
static void idle(void) {
    if (conns < 0) conns = 10000;
    if (seconds < 0) seconds = 60;
    int *fds = malloc((size_t)conns * sizeof *fds);
    char byte = 'x';
    for (int i = 0; i < conns; i++) {
        fds[i] = connect_tcp();
        if (write(fds[i], &byte, 1) != 1) die("write");
        read_fully(fds[i], &byte, 1);
    }
    printf("ready conns=%d\n", conns);
    fflush(stdout);
    struct pollfd p = {.fd = 0, .events = POLLIN};
    poll(&p, 1, (int)(seconds * 1000));
    for (int i = 0; i < conns; i++) close(fds[i]);
    printf("result conns=%d\n", conns);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 2) goto usage;
    const char *mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *flag = argv[i], *value = argv[i + 1];
        if (strcmp(flag, "--port") == 0) port = atoi(value);
        else if (strcmp(flag, "--conns") == 0) conns = atoi(value);
        else if (strcmp(flag, "--size") == 0) size = atoi(value);
        else if (strcmp(flag, "--seconds") == 0) seconds = atof(value);
        else if (strcmp(flag, "--warmup-ms") == 0) warmup_ms = atoi(value);
        else if (strcmp(flag, "--bytes") == 0) total_bytes = atoll(value);
        else goto usage;
    }
    if (port <= 0 || size <= 0) goto usage;
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    // The time bound: whatever happens, the process ends (SIGALRM's default action).
    double bound = (seconds < 0 ? 60 : seconds) + warmup_ms / 1000.0 + 60;
    alarm((unsigned)bound);
    if (strcmp(mode, "pingpong") == 0) ping_pong(0);
    else if (strcmp(mode, "udp") == 0) ping_pong(1);
    else if (strcmp(mode, "stream") == 0) stream();
    else if (strcmp(mode, "accept") == 0) accept_rate();
    else if (strcmp(mode, "idle") == 0) idle();
    else goto usage;
    return 0;
usage:
    fprintf(stderr, "usage: CLoadGen pingpong|udp|stream|accept|idle --port P [--conns N] [--size B] "
                    "[--seconds S] [--warmup-ms MS] [--bytes B]\n");
    return 2;
}
