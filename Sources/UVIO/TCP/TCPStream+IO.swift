// Reading and writing: the reader and writer requirements come from `CoreBackedStream`; the
// deadlines from `readTimeout` and `writeTimeout`.
extension TCPStream: AsyncBufferedByteReader, AsyncByteWriter, CoreBackedStream {
    /// Reads up to `buffer.count` bytes into `buffer`; 0 means end of stream. See
    /// `AsyncByteReader.read(into:)`; this is the same without the protocol's generic path.
    @inlinable
    public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        // Inlined, the part that need not wait runs in the caller's async frame.
        if let copied = try core.readNow(into: buffer) { return copied }
        return try await core.readWaiting(into: buffer, deadline: readDeadline)
    }

    /// Writes every byte of `bytes` and returns once libuv has written them. See
    /// `AsyncByteWriter.writeAll(_:)`; this is one call to the core instead of a loop of writes.
    @inlinable
    public func writeAll(_ bytes: UnsafeRawBufferPointer) async throws {
        // Inlined, what the socket takes at once is written in the caller's async frame.
        let written = try core.writeNow(bytes)
        if written == bytes.count, written > 0 { return }
        try await core.write(UnsafeRawBufferPointer(rebasing: bytes[written...]), deadline: writeDeadline)
    }

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
