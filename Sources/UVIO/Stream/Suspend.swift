/// Suspends the current task as a waiter on some list, until it is woken, cancelled or times out.
///
/// - `register` runs under the owner's lock: it returns false when the condition already holds
///   (so the task does not wait), else adds the waiter with the given id.
/// - `remove` takes the waiter out again; whoever removes it wakes it, so it is resumed once.
///
/// - Throws: `CancellationError` when the task is cancelled; `UVError.timedOut` once
///   `deadline` (in `uv_hrtime` nanoseconds) passes; whatever error the waker passes.
func suspendAsWaiter(
    loop: EventLoop,
    id: UInt64,
    deadline: UInt64?,
    register: (UInt64, Waiter) -> Bool,
    remove: @escaping @Sendable (UInt64) -> Waiter?
) async throws {
    var timeout: Scheduled?
    defer { timeout?.cancel() }
    try await withTaskCancellationHandler {
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            // Checked under the owner's lock by `register`'s caller order: a cancellation handler
            // that ran earlier found nothing to remove, so the flag must be seen here.
            if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
            guard register(id, .continuation(continuation)) else { return continuation.resume() }
            if Task.isCancelled {
                // Cancelled between the check and the registration: the handler may have missed us.
                remove(id)?.wake(CancellationError())
                return
            }
            guard let deadline else { return }
            let entry = TimerEntry(.closure { remove(id)?.wake(UVError.timedOut) })
            do {
                try loop.add(entry, deadline: deadline)
                timeout = Scheduled(entry: entry)
            } catch {
                remove(id)?.wake(error)
            }
        }
    } onCancel: {
        remove(id)?.wake(CancellationError())
    }
}
