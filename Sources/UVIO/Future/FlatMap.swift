/// A future that runs another future made from the output of a first: made by
/// `Future.flatMap(_:)`, the seed's `and_then`.
public struct FlatMap<Base: Future, Next: Future>: Future {
    /// `Then`'s state machine, with `next` given only a success: a failure rethrows from `get()`.
    private var inner: Then<Base, Next>

    init(_ base: Base, _ next: @escaping (Base.Output) throws -> Next) {
        inner = Then(base) { result in try next(result.get()) }
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Next.Output> {
        try inner.poll(&context)
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
