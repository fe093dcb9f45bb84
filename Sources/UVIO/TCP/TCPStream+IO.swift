// Reading and writing: the reader and writer requirements come from `CoreBackedStream`; the
// deadlines from `readTimeout` and `writeTimeout`.
extension TCPStream: AsyncBufferedByteReader, AsyncByteWriter, CoreBackedStream {
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
    @inlinable
    public func write(_ string: String) async throws {
        try await write(string.utf8)
    }
}
