internal import CLibUV
import Synchronization
@testable import UVIO
#if canImport(Glibc)
import Glibc
#endif

/// Occupies every thread of libuv's thread pool until `release()`, so that a request queued
/// meanwhile (such as a `uv_getaddrinfo`) is still waiting and `uv_cancel` can cancel it.
///
/// The pool is process-wide: other tests' thread-pool work waits too until `release()`.
final class ThreadPoolBlocker: Sendable {
    private let gate = ThreadSignal()
    private let started = Atomic<Int>(0)
    private let released = Atomic<Bool>(false)
    private let count: Int

    struct PoolBusy: Error, CustomStringConvertible {
        let description: String
    }

    /// Queues one blocking job per pool thread on `loop` and waits until all of them run.
    init(on loop: EventLoop) async throws {
        count = getenv("UV_THREADPOOL_SIZE").flatMap { Int(String(cString: $0)) } ?? 4
        for _ in 0..<count {
            try loop.execute { [self] in
                let request = UnsafeMutablePointer<uv_work_t>.allocate(capacity: 1)
                request.pointee.data = Unmanaged.passRetained(self).toOpaque()
                let result = uv_queue_work(loop.uvLoop, request, { request in
                    let blocker = Unmanaged<ThreadPoolBlocker>.fromOpaque(request!.pointee.data).takeUnretainedValue()
                    blocker.started.add(1, ordering: .releasing)
                    blocker.gate.wait()
                }, { request, _ in
                    Unmanaged<ThreadPoolBlocker>.fromOpaque(request!.pointee.data).release()
                    request!.deallocate()
                })
                precondition(result == 0, "uv_queue_work failed: \(result)")
            }
        }
        // Bounded: the pool is the whole process's, and work of other tests may hold a thread.
        for _ in 0..<10_000 where started.load(ordering: .acquiring) < count {
            try await loop.sleep(for: .milliseconds(1))
        }
        let taken = started.load(ordering: .acquiring)
        guard taken == count else {
            release()
            throw PoolBusy(description: "libuv's thread pool stayed busy: \(taken) of \(count) threads taken in 10 s")
        }
    }

    /// Lets every blocking job finish; later calls do nothing. Call it on every path (`defer`):
    /// a pool left blocked stalls every later lookup in the process.
    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for _ in 0..<count { gate.post() }
    }
}
