// Reading and writing: the stream is an `AsyncBufferedByteReader` and an `AsyncByteWriter`.
extension TCPStream: AsyncBufferedByteReader, AsyncByteWriter {
    /// Waits for buffered bytes (or the end of the stream), lets `body` look at them and removes
    /// the first `consumed`. See `AsyncBufferedByteReader`.
    ///
    /// ## Cancellation
    /// A cancelled or timed-out wait consumes nothing: the next read sees the same bytes.
    /// - Throws: `CancellationError`, `UVError.timedOut` (see `readTimeout`), the connection's
    ///   error (such as `UVError.connectionReset`) once buffered bytes are read, `UVError.closed`.
    public func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        try await core.consumeBuffered(deadline: readDeadline, body)
    }

    /// Reads up to `maxBytes` bytes; returns an empty array at end of stream.
    ///
    /// ## Cancellation
    /// A cancelled read consumes nothing.
    /// - Throws: `UVError.limitExceeded` when `maxBytes` is negative; see `consumeBuffered`.
    public func read(maxBytes: Int) async throws -> [UInt8] {
        guard maxBytes >= 0 else { throw UVError.limitExceeded.with(context: "maxBytes \(maxBytes) is negative") }
        guard maxBytes > 0 else { return [] }
        return try await consumeBuffered { available in
            let count = min(available.count, maxBytes)
            return (count, [UInt8](available.prefix(count)))
        }
    }

    /// Writes all of `bytes` and returns their count once libuv has written them.
    ///
    /// The stream tries `uv_try_write` first and queues with `uv_write` only what the socket did
    /// not take at once. The corresponding libuv calls are `uv_try_write` and `uv_write`.
    ///
    /// ## Cancellation
    /// A cancelled (or timed-out) write returns at once with `CancellationError`
    /// (`UVError.timedOut`); its bytes stay queued and are still sent, in order.
    /// - Throws: `UVError.brokenPipe` after `shutdown(.write)`; the connection's error;
    ///   `UVError.closed`.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) async throws -> Int {
        try await core.write(bytes, deadline: writeDeadline)
        return bytes.count
    }

    /// Writes all of `bytes` once libuv has written them; see `write(_:)` above.
    ///
    /// ```swift
    /// try await stream.write([0x48, 0x69])
    /// try await stream.write("PING\r\n".utf8)
    /// ```
    public func write(_ bytes: some Collection<UInt8>) async throws {
        try await core.write(bytes, deadline: writeDeadline)
    }

    /// Writes the UTF-8 bytes of `string`; see `write(_:)`.
    public func write(_ string: String) async throws {
        try await core.write(string.utf8, deadline: writeDeadline)
    }

    /// Shuts down the write side once the bytes written so far are sent: the peer reads end of
    /// stream. The corresponding libuv call is `uv_shutdown`.
    public func shutdownWrite() async throws {
        try await core.shutdownWrite()
    }

    /// Which side of a connection `shutdown(_:)` ends.
    public enum ShutdownSide: Sendable {
        /// Stop reading: buffered bytes are dropped and reads return end of stream.
        case read
        /// Send end of stream to the peer after the bytes written so far (`uv_shutdown`).
        case write
        /// Both.
        case both
    }

    /// Shuts down one side of the connection, or both; the stream stays open until `close()`.
    public func shutdown(_ side: ShutdownSide) async throws {
        if side != .write { try await core.perform { [core] in core.shutdownRead() } }
        if side != .read { try await shutdownWrite() }
    }
}
