/// A future that runs two futures together and is ready when either is: made by
/// `Future.select(_:)`. The other future is handed back, unfinished, to poll further or drop.
public struct Select<A: Future, B: Future>: Future {
    /// Which future finished first, with its output and the other future.
    public enum Outcome {
        /// The first future finished; `remaining` is the second.
        case first(A.Output, remaining: B)
        /// The second future finished; `remaining` is the first.
        case second(B.Output, remaining: A)
    }

    private var first: A?
    private var second: B?

    init(_ first: A, _ second: B) {
        self.first = first
        self.second = second
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Outcome> {
        guard first != nil, second != nil else { preconditionFailure("polled a Select after it finished") }
        if case .ready(let value) = try first!.poll(&context) {
            first = nil
            defer { second = nil }
            return .ready(.first(value, remaining: second!))
        }
        if case .ready(let value) = try second!.poll(&context) {
            second = nil
            defer { first = nil }
            return .ready(.second(value, remaining: first!))
        }
        return .pending
    }
}

extension Future {
    /// Returns a future that polls this future and `other` in turn and is ready as soon as one
    /// of them is, with that output and the other, unfinished future.
    ///
    /// This future is polled first, so when both are ready it wins. The first error of either
    /// ends the selection.
    ///
    /// ```swift
    /// switch try FutureExecutor.blockOn(ReadExact(a, buffer).select(ReadExact(b, buffer)), on: loop) {
    /// case .first((let stream, let bytes), remaining: _): print("a first")
    /// case .second((let stream, let bytes), remaining: _): print("b first")
    /// }
    /// ```
    /// - Parameter other: the second future.
    public func select<Other: Future>(_ other: Other) -> Select<Self, Other> {
        Select(self, other)
    }
}
