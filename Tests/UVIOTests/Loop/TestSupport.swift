@testable import UVIO

/// Runs `body` with a fresh loop and shuts it down afterwards; the shutdown throws if
/// `uv_loop_close` did not return 0, so every test proves the loop closed cleanly.
func withLoop<R>(_ body: (EventLoop) async throws -> R) async throws -> R {
    let loop = EventLoop(name: "uvio-test")
    do {
        let result = try await body(loop)
        try await loop.shutdown()
        return result
    } catch {
        try? await loop.shutdown()
        throw error
    }
}

/// Runs `work` on the loop thread and returns its result to the caller.
func onLoop<R: Sendable>(_ loop: EventLoop, _ work: @escaping @Sendable () throws -> R) async throws -> R {
    try await withCheckedThrowingContinuation { continuation in
        do {
            try loop.execute { continuation.resume(with: Result { try work() }) }
        } catch {
            continuation.resume(throwing: error)
        }
    }
}

/// A value shared between test threads, behind a lock.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: LockedValue<Value>
    init(_ value: Value) { mutex = LockedValue(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

/// Raw memory for a test, freed with the object; a task may read into it, and the test looks at
/// it only after that task has ended.
final class LentBuffer: @unchecked Sendable {
    // Safe: written by one task's read, read by the test after awaiting that task.
    let bytes: UnsafeMutableRawBufferPointer
    init(count: Int) { bytes = .allocate(byteCount: count, alignment: 1) }
    deinit { bytes.deallocate() }
}
