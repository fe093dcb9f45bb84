// Reading and writing: the reader and writer requirements come from `CoreBackedStream`.
extension PipeStream: AsyncBufferedByteReader, AsyncByteWriter, CoreBackedStream {
    /// Reads up to `buffer.count` bytes into `buffer`; 0 means end of stream. See
    /// `AsyncByteReader.read(into:)`; this is the same without the protocol's generic path.
    public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await core.read(into: buffer, deadline: nil)
    }

    /// Writes every byte of `bytes` and returns once libuv has written them. See
    /// `AsyncByteWriter.writeAll(_:)`.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) async throws {
        try await core.write(bytes, deadline: nil)
    }

    /// Writes all of `bytes` once libuv has written them; see `write(_:)` on raw bytes.
    public func write(_ bytes: some Collection<UInt8>) async throws {
        try await core.write(bytes, deadline: nil)
    }
}
