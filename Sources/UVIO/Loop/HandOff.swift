internal import CLibUV

/// A continuation that another thread resumes (the loop's, or a thread of libuv's pool), with
/// the hand-over made visible to ThreadSanitizer.
///
/// A quick resumer can resume before the suspending body has returned; the task then goes on
/// without being enqueued, and the runtime orders the two threads with atomics the sanitizer
/// cannot see. So whatever the resumer wrote (a new connection, say) looked like a race to the
/// sanitizer wherever the task read it later. `resume` releases and the awaiting side acquires
/// on the continuation's address; outside sanitizer builds each is a null check.
struct HandOff<T, Failure: Error>: Sendable {
    let continuation: UnsafeContinuation<T, Failure>

    /// Both sides name the hand-over by the continuation's bits.
    fileprivate static func address(_ continuation: UnsafeContinuation<T, Failure>) -> UnsafeRawPointer {
        unsafeBitCast(continuation, to: UnsafeRawPointer.self)
    }

    func resume(returning value: sending T) {
        CLibUV_tsan_release(Self.address(continuation))
        continuation.resume(returning: value)
    }

    func resume(throwing error: Failure) {
        CLibUV_tsan_release(Self.address(continuation))
        continuation.resume(throwing: error)
    }

    func resume(with result: sending Result<T, Failure>) {
        CLibUV_tsan_release(Self.address(continuation))
        continuation.resume(with: result)
    }
}

extension HandOff where T == Void {
    func resume() { resume(returning: ()) }
}

// Both functions below call the continuation functions that inherit the caller's executor. The
// ones with an `isolation` parameter switch to it after the wait, and the caller, being
// `nonisolated(nonsending)`, switches back to its own executor after the call returns as well:
// the first switch is one too many (for a task preferring a loop, a look-up of the preference
// under the task's status-record lock). The async echo on the loop: 3,756 → 3,478 user-space
// instructions per message. `WaitIsolationTests` checks that the code after a wait runs where it
// ran before it, for an actor on another loop and for a task preferring another loop.

/// `withUnsafeThrowingContinuation` for a continuation resumed from another thread.
nonisolated(nonsending) func withThrowingHandOff<T>(
    _ body: (HandOff<T, any Error>) -> Void
) async throws -> T {
    var address: UnsafeRawPointer?
    defer { if let address { CLibUV_tsan_acquire(address) } }
    return try await _unsafeInheritExecutor_withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
        address = HandOff.address(continuation)
        body(HandOff(continuation: continuation))
    }
}

/// `withUnsafeContinuation` for a continuation resumed from another thread.
nonisolated(nonsending) func withHandOff<T>(_ body: (HandOff<T, Never>) -> Void) async -> T {
    var address: UnsafeRawPointer?
    defer { if let address { CLibUV_tsan_acquire(address) } }
    return await _unsafeInheritExecutor_withUnsafeContinuation { (continuation: UnsafeContinuation<T, Never>) in
        address = HandOff.address(continuation)
        body(HandOff(continuation: continuation))
    }
}
