/// A future that is ready once a writer has sent every byte it took: `pollFlush` as a future.
///
/// - Throws (from `poll`): the error of a write that failed.
public struct Flush<Writer: PollByteWriter>: Future {
    private let writer: Writer

    /// Creates a future that flushes `writer`.
    public init(_ writer: Writer) {
        self.writer = writer
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Writer> {
        try writer.pollFlush(&context).map { writer }
    }
}
