#ifndef CLIBUV_H
#define CLIBUV_H

#include <uv.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/prctl.h>

/* Handle and request "casts": libuv's handle types share a common prefix, so a tcp or pipe
   handle is also a stream and a handle. Swift cannot express these C casts directly. */

static inline uv_handle_t *CLibUV_handle(void *handle) { return (uv_handle_t *)handle; }
static inline uv_stream_t *CLibUV_stream(void *handle) { return (uv_stream_t *)handle; }

static inline const struct sockaddr *CLibUV_sockaddr(const void *storage) {
    return (const struct sockaddr *)storage;
}

/* Ignore SIGPIPE once per process: a write to a socket whose peer has gone must fail with
   EPIPE, never kill the process. */
static inline void CLibUV_ignore_sigpipe(void) {
    struct sigaction action;
    if (sigaction(SIGPIPE, NULL, &action) == 0 && action.sa_handler == SIG_DFL) {
        action.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &action, NULL);
    }
}

/* Names the calling thread (Linux keeps 15 bytes); pthread_setname_np needs _GNU_SOURCE. */
static inline void CLibUV_set_thread_name(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

/* ThreadSanitizer's annotations. The weak symbols resolve only when the sanitizer's runtime is
   linked in; in every other build they are null and the helpers do nothing. */
extern void __tsan_acquire(void *addr) __attribute__((weak));
extern void __tsan_release(void *addr) __attribute__((weak));

static inline void CLibUV_tsan_acquire(const void *addr) {
    if (__tsan_acquire) __tsan_acquire((void *)addr);
}

static inline void CLibUV_tsan_release(const void *addr) {
    if (__tsan_release) __tsan_release((void *)addr);
}

#endif
