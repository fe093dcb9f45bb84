/// What a poll function receives: the waker of the task that is polling.
public struct Context: Sendable {
    /// The waker to store when returning `.pending`.
    public var waker: Waker

    public init(waker: Waker) {
        self.waker = waker
    }
}
