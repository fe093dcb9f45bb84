extension AsyncBufferedByteReader {
    /// Returns up to `maxBytes` of the buffered bytes without consuming them.
    ///
    /// Waits until at least one byte is buffered or the stream ends, then copies what is there: it
    /// may return fewer than `maxBytes` even when more are on the way. The next read sees the same
    /// bytes. A `maxBytes` of 0 returns `[]` without waiting.
    ///
    /// - Parameter maxBytes: The most bytes to return; 0 or more.
    /// - Returns: Between 1 and `maxBytes` bytes from the front of the stream; empty at its end.
    /// - Throws: `UVError.limitExceeded` if `maxBytes` is negative; any error the reader throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError` and loses nothing.
    ///
    /// ## Example
    /// ```swift
    /// let start = try await stream.peek(maxBytes: 4)
    /// let isTLS = start.first == 0x16  // a TLS handshake record; the handshake reads it again
    /// ```
    public func peek(maxBytes: Int) async throws -> [UInt8] {
        guard maxBytes >= 0 else {
            throw UVError(code: UVError.limitExceeded.code, context: "peek maxBytes \(maxBytes) is negative")
        }
        if maxBytes == 0 { return [] }
        return try await consumeBuffered { available in
            (0, [UInt8](available.prefix(maxBytes)))
        }
    }
}
