/// A future that runs two futures together and is ready when both are: made by
/// `Future.join(_:)`.
public struct Join<A: Future, B: Future>: Future {
    private var first: A
    private var second: B
    private var firstOutput: A.Output?
    private var secondOutput: B.Output?

    init(_ first: A, _ second: B) {
        self.first = first
        self.second = second
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<(A.Output, B.Output)> {
        // A future that is ready is not polled again.
        if firstOutput == nil, case .ready(let value) = try first.poll(&context) { firstOutput = value }
        if secondOutput == nil, case .ready(let value) = try second.poll(&context) { secondOutput = value }
        guard let firstOutput, let secondOutput else { return .pending }
        return .ready((firstOutput, secondOutput))
    }
}

extension Future {
    /// Returns a future that polls this future and `other` in turn and is ready with both
    /// outputs once both are ready.
    ///
    /// ```swift
    /// let both = WriteAll(stream, request).join(ReadExact(stream, reply))
    /// ```
    /// - Parameter other: the second future.
    /// - Returns: the joined future. The first error of either ends it; the other future is
    ///   dropped (see `## Cancellation`).
    ///
    /// ## Cancellation
    /// A future that is dropped keeps what it did: bytes it read are consumed.
    public func join<Other: Future>(_ other: Other) -> Join<Self, Other> {
        Join(self, other)
    }
}
