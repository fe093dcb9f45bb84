// Reading and writing: the reader and writer requirements come from `CoreBackedStream`.
extension PipeStream: AsyncBufferedByteReader, AsyncByteWriter, CoreBackedStream {
    /// Writes all of `bytes` once libuv has written them; see `write(_:)` on raw bytes.
    public func write(_ bytes: some Collection<UInt8>) async throws {
        try await core.write(bytes, deadline: nil)
    }
}
