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
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/futex.h>

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

/* A mutex in one 32-bit word: 0 free, 1 held, 2 held and somebody may sleep on it (the third
   mutex of Drepper's "Futexes Are Tricky"). Taking and releasing a free lock is one atomic
   instruction each, inlined into the caller; only a contended lock spins briefly, then sleeps
   in the kernel. The annotations tell ThreadSanitizer what the atomics order. */

__attribute__((noinline)) static void CLibUV_lock_contended(uint32_t *word) {
    for (int spin = 0; spin < 100; spin++) {
        uint32_t expected = 0;
        if (__atomic_load_n(word, __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(word, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            return;
        }
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ __volatile__("yield");
#endif
    }
    while (__atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE) != 0) {
        syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
    }
}

static inline void CLibUV_lock(uint32_t *word) {
    uint32_t expected = 0;
    if (!__atomic_compare_exchange_n(word, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        CLibUV_lock_contended(word);
    }
    CLibUV_tsan_acquire(word);
}

static inline void CLibUV_unlock(uint32_t *word) {
    CLibUV_tsan_release(word);
    if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) == 2) {
        syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

#endif
