/// A future that runs another future made from the result (output or error) of a first: made by
/// `Future.then(_:)`.
public struct Then<Base: Future, Next: Future>: Future {
    private enum State {
        case first(Base)
        case second(Next)
        case empty
    }

    private var state: State
    private let next: (Result<Base.Output, any Error>) throws -> Next

    init(_ base: Base, _ next: @escaping (Result<Base.Output, any Error>) throws -> Next) {
        state = .first(base)
        self.next = next
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Next.Output> {
        while true {
            switch state {
            case .first(var base):
                state = .empty
                let result: Result<Base.Output, any Error>
                do {
                    guard case .ready(let value) = try base.poll(&context) else {
                        state = .first(base)
                        return .pending
                    }
                    result = .success(value)
                } catch {
                    result = .failure(error)
                }
                state = .second(try next(result))
            case .second(var future):
                state = .empty
                let result = try future.poll(&context)
                if case .pending = result { state = .second(future) }
                return result
            case .empty:
                preconditionFailure("polled a Then after it finished")
            }
        }
    }
}

extension Future {
    /// Returns a future that, once this one has finished either way, runs the future `next` makes
    /// from its result: the seed's `.then(|_| Ok(()))`.
    ///
    /// ```swift
    /// let connection = ReadExact(socket, buffer)
    ///     .flatMap { socket, buffer in WriteAll(socket, buffer) }
    ///     .then { _ in Ready(()) }  // discard the socket, the buffer and any error
    /// ```
    /// - Parameter next: makes the second future from `.success(output)` or `.failure(error)`.
    public func then<Next: Future>(_ next: @escaping (Result<Output, any Error>) throws -> Next) -> Then<Self, Next> {
        Then(self, next)
    }
}
