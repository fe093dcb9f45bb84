import Synchronization

/// Wakes the task that polled a future, so it polls again.
///
/// A poll function that returns `.pending` stores the waker of its context and wakes it when
/// progress is possible (bytes arrived, a write finished, the stream closed). Waking is safe
/// from any thread, and waking more than needed is harmless: the task just polls again.
///
/// Copies of a waker are the same waker (`willWake(_:)`): a poll function that is polled again
/// with the same waker replaces its earlier registration instead of adding a second one, so a
/// future that is polled often while it waits does not pile up registrations.
///
/// ## Threading
/// `wake()` may be called from any thread. The wakers of `FutureExecutor` tasks are cheap on the
/// task's own loop thread: a local queue, no lock and no wake-up system call.
public struct Waker: Sendable {
    private let action: @Sendable () -> Void
    /// Shared by copies; distinct for every waker created with `init(_:)`.
    let id: UInt64

    /// Creates a waker that runs `action` when woken. `action` may run on any thread and more
    /// than once; it should schedule a poll, not poll inline.
    public init(_ action: @escaping @Sendable () -> Void) {
        self.action = action
        id = Self.nextID.add(1, ordering: .relaxed).newValue
    }

    /// Wakes the task.
    public func wake() {
        action()
    }

    /// Whether `other` wakes the same task as this waker: it is a copy of it. The counterpart of
    /// Tokio's `Waker::will_wake`.
    public func willWake(_ other: Waker) -> Bool {
        id == other.id
    }

    /// A waker that does nothing, for polling once without waiting.
    public static let noop = Waker {}

    private static let nextID = Atomic<UInt64>(0)
}
