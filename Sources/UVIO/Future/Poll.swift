/// The result of polling: the value is ready, or it is not yet and the waker will be woken.
///
/// The counterpart of Tokio's `Poll` (`Async::Ready` / `Async::NotReady` in the seed).
public enum Poll<Value> {
    /// The operation finished with `Value`.
    case ready(Value)
    /// The operation cannot make progress now; the context's waker has been stored and will be
    /// woken when progress is possible.
    case pending

    /// Whether the poll is ready.
    public var isReady: Bool {
        if case .ready = self { return true }
        return false
    }

    /// Transforms a ready value; pending stays pending.
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> Poll<T> {
        switch self {
        case .ready(let value): .ready(try transform(value))
        case .pending: .pending
        }
    }
}

extension Poll: Sendable where Value: Sendable {}
extension Poll: Equatable where Value: Equatable {}
