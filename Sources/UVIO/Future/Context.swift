/// What a poll function receives: the waker of the task that is polling.
///
/// The counterpart of Tokio's `Context`. A future passes its context on to the futures and poll
/// functions it polls, so that whichever cannot make progress stores the task's waker.
public struct Context: Sendable {
    /// The waker to store when returning `.pending`. It cannot be replaced: a combinator that
    /// wants its children to wake something else makes a context of its own for them.
    public let waker: Waker

    /// Creates a context that carries `waker`.
    public init(waker: Waker) {
        self.waker = waker
    }
}
