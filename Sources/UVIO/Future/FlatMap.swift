/// A future that runs another future made from the output of a first: made by
/// `Future.flatMap(_:)`, the seed's `and_then`.
public struct FlatMap<Base: Future, Next: Future>: Future {
    private enum State {
        case first(Base)
        case second(Next)
        /// Finished, failed, or the future is being polled (held in a local meanwhile).
        case empty
    }

    private var state: State
    private let next: (Base.Output) throws -> Next

    init(_ base: Base, _ next: @escaping (Base.Output) throws -> Next) {
        state = .first(base)
        self.next = next
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Next.Output> {
        while true {
            // Each future is taken out of `state` while it is polled, so that the local is its
            // only copy and its buffers are mutated in place rather than copied.
            switch state {
            case .first(var base):
                state = .empty
                guard case .ready(let value) = try base.poll(&context) else {
                    state = .first(base)
                    return .pending
                }
                state = .second(try next(value))
            case .second(var future):
                state = .empty
                let result = try future.poll(&context)
                if case .pending = result { state = .second(future) }
                return result
            case .empty:
                preconditionFailure("polled a FlatMap after it finished")
            }
        }
    }
}

extension Future {
    /// Returns a future that, once this one is ready, runs the future `next` makes from its
    /// output: the seed's `and_then`.
    ///
    /// ```swift
    /// let echo = ReadExact(socket, [UInt8](repeating: 0, count: 5))
    ///     .flatMap { socket, buffer in WriteAll(socket, buffer) }
    /// ```
    /// - Parameter next: makes the second future; it runs once, on the thread that polls. An
    ///   error of this future skips it.
    /// - Returns: the combined future, with the second future's output.
    public func flatMap<Next: Future>(_ next: @escaping (Output) throws -> Next) -> FlatMap<Self, Next> {
        FlatMap(self, next)
    }
}
