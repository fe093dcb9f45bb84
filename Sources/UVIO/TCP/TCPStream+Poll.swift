// The poll façade of a TCP stream: the functions Tokio's `AsyncRead` and `AsyncWrite` call
// `poll_read`, `poll_write`, `poll_flush` and `poll_shutdown`.
extension TCPStream: PollByteReader, PollByteWriter {
    /// Reads buffered bytes into `buffer` without blocking.
    ///
    /// The bytes come from the stream's receive buffer, which the loop fills in the background.
    /// When it is empty the waker of `context` is stored and woken once bytes arrive, the stream
    /// ends or fails, or it is closed. Like Tokio, the stream remembers one waker per task: when
    /// the same task polls again, its registration is replaced, not repeated.
    ///
    /// - Parameters:
    ///   - context: carries the waker to store when no byte is buffered.
    ///   - buffer: where to copy the bytes.
    /// - Returns: `.ready(n)` with the number of bytes copied, `.ready(0)` at end of stream (or
    ///   for an empty buffer), or `.pending`.
    /// - Throws: the connection's error (such as `UVError.connectionReset`) once buffered bytes
    ///   are read; `UVError.closed` after `close()`.
    ///
    /// ## Threading
    /// Any thread; cheapest on the stream's loop thread, where `FutureExecutor` polls.
    /// While a handler of `startReading(handler:)` is installed it takes over reading: a poll
    /// then sees only bytes the handler has not been given.
    public func pollRead(_ context: inout Context, into buffer: UnsafeMutableRawBufferPointer) throws -> Poll<Int> {
        try core.pollRead(&context, into: buffer)
    }

    /// Hands `bytes` to the stream's write queue without blocking.
    ///
    /// On the loop thread the stream tries `uv_try_write` at once and copies only what the socket
    /// did not take; from another thread the bytes are copied and written by the loop. When the
    /// queue holds more than its watermark (256 KiB) the waker is stored instead and woken once
    /// the queue drains below it. The corresponding libuv calls are `uv_try_write` and `uv_write`.
    ///
    /// - Parameters:
    ///   - context: carries the waker to store while the queue is full.
    ///   - bytes: the bytes to write; the caller may reuse the memory when the call returns.
    /// - Returns: `.ready(bytes.count)` once the bytes are written or queued, or `.pending`.
    /// - Throws: `UVError.brokenPipe` after the write side was shut down; the connection's error
    ///   (an earlier write's error is seen here); `UVError.closed`.
    public func pollWrite(_ context: inout Context, _ bytes: UnsafeRawBufferPointer) throws -> Poll<Int> {
        try core.pollWrite(&context, bytes)
    }

    /// Ready once every byte handed to the stream has been written to the socket.
    ///
    /// - Returns: `.ready(())` when the write queue is empty, else `.pending` with the waker stored.
    /// - Throws: the error of a write that failed; `UVError.closed`.
    public func pollFlush(_ context: inout Context) throws -> Poll<Void> {
        try core.pollFlush(&context)
    }

    /// Shuts down the write side once the bytes handed to the stream are sent: the peer reads end
    /// of stream.
    ///
    /// The first poll starts the shutdown; the waker is woken when libuv reports it done. A
    /// shutdown that was already done (by any façade) is ready at once. The corresponding libuv
    /// call is `uv_shutdown`.
    ///
    /// - Returns: `.ready(())` once the shutdown has completed, else `.pending`.
    /// - Throws: the shutdown's error (such as `UVError.notConnected`); `UVError.closed`.
    public func pollShutdown(_ context: inout Context) throws -> Poll<Void> {
        try core.pollShutdown(&context)
    }
}
