// Reading and writing: the reader and writer requirements come from `CoreBackedStream`; the
// deadlines from `readTimeout` and `writeTimeout`.
extension TCPStream: AsyncBufferedByteReader, AsyncByteWriter, CoreBackedStream {
    /// Writes all of `bytes` once libuv has written them; see `write(_:)` on raw bytes.
    ///
    /// ```swift
    /// try await stream.write([0x48, 0x69])
    /// try await stream.write("PING\r\n".utf8)
    /// ```
    public func write(_ bytes: some Collection<UInt8>) async throws {
        try await core.write(bytes, deadline: writeDeadline)
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

extension TCPStream {
    /// Writes the UTF-8 bytes of `string`; see `write(_:)`.
    public func write(_ string: String) async throws {
        try await core.write(string.utf8, deadline: writeDeadline)
    }
}
