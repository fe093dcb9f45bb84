/// Wakes the task that polled a future, so it polls again.
///
/// A poll function that returns `.pending` stores the waker of its context and wakes it when
/// progress is possible (bytes arrived, a write finished, the stream closed). Waking is safe
/// from any thread, and waking more than needed is harmless: the task just polls again.
public struct Waker: Sendable {
    private let action: @Sendable () -> Void

    /// Creates a waker that runs `action` when woken. `action` may run on any thread and more
    /// than once; it should schedule a poll, not poll inline.
    public init(_ action: @escaping @Sendable () -> Void) {
        self.action = action
    }

    /// Wakes the task.
    public func wake() {
        action()
    }

    /// A waker that does nothing, for polling once without waiting.
    public static let noop = Waker {}
}
