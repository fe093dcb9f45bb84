// The reference echo server: plain C on libuv, one loop, what UVIO is measured against.
//
//   CEchoServer [--proto tcp|udp] [--port 0] [--max-seconds 900]
//
// TCP: every read is answered at once with uv_try_write from one loop-wide read buffer; what the
// socket does not take is copied into a uv_write, and later reads queue behind it (order is kept).
// Reading stops while more than 1 MiB waits to be written and resumes once it drains.
// UDP: every datagram is sent back to its sender with uv_udp_try_send.
// The first line printed is `listening on 127.0.0.1:PORT`; the server exits on SIGTERM (the
// default action) or by itself after --max-seconds (SIGALRM).
#include <uv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

enum { READ_BUFFER_SIZE = 64 * 1024, HIGH_WATERMARK = 1024 * 1024 };

static uv_loop_t *loop;
// The loop is single-threaded and every read is consumed before the next one: one buffer serves all.
static char read_buffer[READ_BUFFER_SIZE];

typedef struct {
    uv_write_t request;
    uv_buf_t buf;
} queued_write;

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
    (void)handle;
    (void)suggested;
    *buf = uv_buf_init(read_buffer, sizeof read_buffer);
}

static void on_close(uv_handle_t *handle) { free(handle); }

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void on_write(uv_write_t *request, int status) {
    queued_write *write = (queued_write *)request;
    uv_stream_t *stream = request->handle;
    free(write->buf.base);
    free(write);
    if (status < 0) {
        if (!uv_is_closing((uv_handle_t *)stream)) uv_close((uv_handle_t *)stream, on_close);
        return;
    }
    // Drained below the watermark: read again (a no-op when reading already).
    if (stream->write_queue_size < HIGH_WATERMARK && !uv_is_closing((uv_handle_t *)stream))
        uv_read_start(stream, on_alloc, on_read);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
    if (nread < 0) {
        uv_close((uv_handle_t *)stream, on_close);
        return;
    }
    size_t offset = 0;
    // uv_try_write only when nothing is queued, or the bytes would overtake the queue.
    if (stream->write_queue_size == 0) {
        int written = uv_try_write(stream, &(uv_buf_t){.base = buf->base, .len = (size_t)nread}, 1);
        if (written > 0) offset = (size_t)written;
        else if (written != UV_EAGAIN && written < 0) {
            uv_close((uv_handle_t *)stream, on_close);
            return;
        }
    }
    if (offset < (size_t)nread) {
        queued_write *write = malloc(sizeof *write);
        size_t length = (size_t)nread - offset;
        write->buf = uv_buf_init(malloc(length), (unsigned)length);
        memcpy(write->buf.base, buf->base + offset, length);
        uv_write(&write->request, stream, &write->buf, 1, on_write);
        if (stream->write_queue_size >= HIGH_WATERMARK) uv_read_stop(stream);
    }
}

static void on_connection(uv_stream_t *server, int status) {
    if (status < 0) return;
    uv_tcp_t *client = malloc(sizeof *client);
    uv_tcp_init(loop, client);
    if (uv_accept(server, (uv_stream_t *)client) != 0) {
        uv_close((uv_handle_t *)client, on_close);
        return;
    }
    uv_tcp_nodelay(client, 1);
    uv_read_start((uv_stream_t *)client, on_alloc, on_read);
}

static void on_datagram(uv_udp_t *socket, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
                        unsigned flags) {
    (void)flags;
    if (nread <= 0 || from == NULL) return;
    uv_buf_t reply = uv_buf_init(buf->base, (unsigned)nread);
    uv_udp_try_send(socket, &reply, 1, from);
}

static int fail(const char *what, int code) {
    fprintf(stderr, "CEchoServer: %s: %s\n", what, uv_strerror(code));
    return 1;
}

int main(int argc, char **argv) {
    const char *proto = "tcp";
    int port = 0, max_seconds = 900;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--proto") == 0) proto = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0) port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--max-seconds") == 0) max_seconds = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: CEchoServer [--proto tcp|udp] [--port N] [--max-seconds N]\n");
            return 2;
        }
    }
    alarm((unsigned)max_seconds);
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    loop = uv_default_loop();
    struct sockaddr_in address;
    uv_ip4_addr("127.0.0.1", port, &address);
    struct sockaddr_storage bound;
    int length = sizeof bound, result;
    static uv_tcp_t server;
    static uv_udp_t udp;
    if (strcmp(proto, "udp") == 0) {
        uv_udp_init(loop, &udp);
        if ((result = uv_udp_bind(&udp, (const struct sockaddr *)&address, 0)) != 0) return fail("bind", result);
        if ((result = uv_udp_recv_start(&udp, on_alloc, on_datagram)) != 0) return fail("recv", result);
        uv_udp_getsockname(&udp, (struct sockaddr *)&bound, &length);
    } else {
        uv_tcp_init(loop, &server);
        if ((result = uv_tcp_bind(&server, (const struct sockaddr *)&address, 0)) != 0) return fail("bind", result);
        if ((result = uv_listen((uv_stream_t *)&server, 1024, on_connection)) != 0) return fail("listen", result);
        uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &length);
    }
    printf("listening on 127.0.0.1:%d\n", ntohs(((struct sockaddr_in *)&bound)->sin_port));
    fflush(stdout);
    return uv_run(loop, UV_RUN_DEFAULT);
}
