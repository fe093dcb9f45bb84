extension AsyncBufferedByteReader {
    /// Reads up to `maxBytes` bytes; returns what is buffered (at least one byte) or an empty
    /// array at end of stream.
    ///
    /// ## Cancellation
    /// A cancelled read consumes nothing.
    /// - Throws: `UVError.limitExceeded` when `maxBytes` is negative; the reader's errors.
    public func read(maxBytes: Int) async throws -> [UInt8] {
        guard maxBytes >= 0 else { throw UVError.limitExceeded.with(context: "maxBytes \(maxBytes) is negative") }
        guard maxBytes > 0 else { return [] }
        return try await consumeBuffered { available in
            let count = min(available.count, maxBytes)
            return (count, [UInt8](available.prefix(count)))
        }
    }
}
