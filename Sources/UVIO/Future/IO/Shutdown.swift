/// A future that shuts down a writer's write side after the bytes it took: `pollShutdown` as a
/// future, the seed's `shutdown`. The peer then reads end of stream.
///
/// ```swift
/// let done = WriteAll(stream, reply).flatMap { stream, _ in Shutdown(stream) }
/// ```
/// - Throws (from `poll`): the shutdown's error.
public struct Shutdown<Writer: PollByteWriter>: Future {
    private let writer: Writer

    /// Creates a future that shuts down `writer`.
    public init(_ writer: Writer) {
        self.writer = writer
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Writer> {
        try writer.pollShutdown(&context).map { writer }
    }
}
