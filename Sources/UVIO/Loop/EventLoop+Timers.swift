internal import CLibUV

/// A closure scheduled on an event loop; cancel it before it fires and it never will.
public struct Scheduled: Sendable {
    let entry: TimerEntry

    /// Cancels the scheduled closure.
    /// - Returns: true if it was cancelled before it ran; false if it ran or was cancelled before.
    @discardableResult
    public func cancel() -> Bool {
        entry.claim(TimerEntry.cancelled)
    }
}

extension EventLoop {
    /// Runs `work` on the loop thread once `delay` has passed.
    ///
    /// The delay counts from this call. Closures due at the same time run in the order scheduled.
    /// A closure still pending when the loop shuts down is dropped.
    ///
    /// ```swift
    /// let timer = try loop.schedule(in: .milliseconds(50)) { print("later") }
    /// timer.cancel()  // it will not run
    /// ```
    /// - Throws: `UVError.loopShutDown` if the loop has closed.
    @discardableResult
    public func schedule(in delay: Duration, _ work: @escaping @Sendable () -> Void) throws(UVError) -> Scheduled {
        let entry = TimerEntry(.closure(work))
        try add(entry, deadline: Self.deadline(after: delay))
        return Scheduled(entry: entry)
    }

    /// Suspends the calling task for `duration`, timed by this loop.
    ///
    /// ## Cancellation
    /// Cancelling the task ends the sleep at once with `CancellationError`.
    /// - Throws: `CancellationError`; `UVError.loopShutDown` if the loop shuts down first.
    public func sleep(for duration: Duration) async throws {
        let deadline = Self.deadline(after: duration)
        try Task.checkCancellation()
        let box = LockedValue<(entry: TimerEntry?, cancelled: Bool)>((nil, false))
        try await withCancellationHandler {
            try await withThrowingHandOff { (continuation: HandOff<Void, any Error>) in
                let entry = TimerEntry(.continuation(continuation))
                let cancelled = box.withLock { box in
                    box.entry = entry
                    return box.cancelled
                }
                do {
                    if cancelled { throw CancellationError() }
                    try add(entry, deadline: deadline)
                } catch {
                    if entry.claim(TimerEntry.cancelled) { continuation.resume(throwing: error) }
                }
            }
        } onCancel: {
            let entry = box.withLock { box in
                box.cancelled = true
                return box.entry
            }
            guard let entry, entry.claim(TimerEntry.cancelled) else { return }
            if case .continuation(let continuation) = entry.action {
                continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// A deadline in `uv_hrtime` nanoseconds, `delay` from now (negative delays mean now).
    @usableFromInline
    static func deadline(after delay: Duration) -> UInt64 {
        let (seconds, attoseconds) = delay.components
        guard seconds >= 0 else { return uv_hrtime() }
        let nanoseconds = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow else { return .max }
        let total = nanoseconds.partialValue.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        let deadline = uv_hrtime().addingReportingOverflow(total.partialValue)
        return total.overflow || deadline.overflow ? .max : deadline.partialValue
    }

    /// Adds a timer entry on the loop thread.
    func add(_ entry: TimerEntry, deadline: UInt64) throws(UVError) {
        if inEventLoop {
            guard state == .running else { throw .loopShutDown }
            timers.add(entry, deadline: deadline, loop: self)
            return
        }
        try execute { [self] in
            guard state == .running else {
                if entry.claim(TimerEntry.cancelled), case .continuation(let continuation) = entry.action {
                    continuation.resume(throwing: UVError.loopShutDown)
                }
                return
            }
            timers.add(entry, deadline: deadline, loop: self)
        }
    }
}

