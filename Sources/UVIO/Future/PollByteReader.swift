/// A source of bytes read by polling: the counterpart of Tokio's `AsyncRead` (`poll_read`).
///
/// The hand-written helper futures (`ReadExact`, `ReadToEnd`, `Copy`) are generic over it.
/// `TCPStream` conforms; so can a test double that returns a few bytes per call.
public protocol PollByteReader {
    /// Reads up to `buffer.count` bytes into `buffer` without blocking.
    ///
    /// - Returns: `.ready(n)` with `n > 0` bytes read; `.ready(0)` at end of stream (or for an
    ///   empty buffer); `.pending` after storing `context.waker`, which is woken when reading
    ///   again can make progress.
    /// - Throws: the source's error, such as `UVError.connectionReset`.
    func pollRead(_ context: inout Context, into buffer: UnsafeMutableRawBufferPointer) throws -> Poll<Int>
}

/// A sink of bytes written by polling: the counterpart of Tokio's `AsyncWrite` (`poll_write`,
/// `poll_flush`, `poll_shutdown`).
///
/// The hand-written helper futures (`WriteAll`, `Copy`, `Flush`, `Shutdown`) are generic over it.
public protocol PollByteWriter {
    /// Writes some of `bytes` without blocking.
    ///
    /// - Returns: `.ready(n)`, the number of bytes taken (0 only for empty `bytes` or a sink that
    ///   takes no more); `.pending` after storing `context.waker`.
    /// - Throws: the sink's error.
    func pollWrite(_ context: inout Context, _ bytes: UnsafeRawBufferPointer) throws -> Poll<Int>

    /// Ready once every byte taken so far has been sent.
    func pollFlush(_ context: inout Context) throws -> Poll<Void>

    /// Ready once the sink has been shut down for writing after the bytes taken so far: the
    /// peer reads end of stream.
    func pollShutdown(_ context: inout Context) throws -> Poll<Void>
}
