// Reading and writing: the reader and writer requirements come from `CoreBackedStream`.
extension PipeStream: AsyncBufferedByteReader, AsyncByteWriter, CoreBackedStream {
    /// Reads up to `buffer.count` bytes into `buffer`; 0 means end of stream. See
    /// `AsyncByteReader.read(into:)`; this is the same without the protocol's generic path.
    @inlinable
    public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        // Inlined, the part that need not wait runs in the caller's async frame.
        if let copied = try core.readNow(into: buffer) { return copied }
        return try await core.readWaiting(into: buffer, deadline: nil)
    }

    /// Writes every byte of `bytes` and returns once libuv has written them. See
    /// `AsyncByteWriter.writeAll(_:)`.
    @inlinable
    public func writeAll(_ bytes: UnsafeRawBufferPointer) async throws {
        // Inlined, what the socket takes at once is written in the caller's async frame.
        let written = try core.writeNow(bytes)
        if written == bytes.count, written > 0 { return }
        try await core.write(UnsafeRawBufferPointer(rebasing: bytes[written...]), deadline: nil)
    }

    /// Writes all of `bytes` once libuv has written them; see `write(_:)` on raw bytes.
    public func write(_ bytes: some Collection<UInt8>) async throws {
        try await core.write(bytes, deadline: nil)
    }
}
