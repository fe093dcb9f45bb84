// Reading and writing: the stream is an `AsyncBufferedByteReader` and an `AsyncByteWriter`,
// delegating to its core exactly as `TCPStream` does.
extension PipeStream: AsyncBufferedByteReader, AsyncByteWriter {
    /// Waits for buffered bytes (or the end of the stream), lets `body` look at them and removes
    /// the first `consumed`. See `AsyncBufferedByteReader`.
    ///
    /// ## Cancellation
    /// A cancelled wait consumes nothing: the next read sees the same bytes.
    /// - Throws: `CancellationError`, the connection's error once buffered bytes are read,
    ///   `UVError.closed`.
    public func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        try await core.consumeBuffered(deadline: nil, body)
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
    /// The corresponding libuv calls are `uv_try_write` and `uv_write`.
    ///
    /// ## Cancellation
    /// A cancelled write returns at once; its bytes stay queued and are still sent, in order.
    /// - Throws: `UVError.brokenPipe` after `shutdownWrite()`; the connection's error; `UVError.closed`.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) async throws -> Int {
        try await core.write(bytes, deadline: nil)
        return bytes.count
    }

    /// Writes all of `bytes` once libuv has written them; see `write(_:)` above.
    public func write(_ bytes: some Collection<UInt8>) async throws {
        try await core.write(bytes, deadline: nil)
    }

    /// Shuts down the write side once the bytes written so far are sent: the peer reads end of
    /// stream. The corresponding libuv call is `uv_shutdown`.
    public func shutdownWrite() async throws {
        try await core.shutdownWrite()
    }
}
