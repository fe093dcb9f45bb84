extension AsyncByteReader {
    /// Reads exactly `count` bytes and returns them.
    ///
    /// Calls `read(into:)` until `count` bytes have arrived, however the stream splits them. A
    /// `count` of 0 returns `[]` without reading. The result grows with the bytes that arrive, so a
    /// huge `count` taken from an untrusted length prefix costs memory only as the peer really
    /// sends; use `readExact(into:)` to read into memory of your own.
    ///
    /// - Parameter count: How many bytes to read; 0 or more.
    /// - Returns: An array of exactly `count` bytes.
    /// - Throws: `UVError.unexpectedEndOfStream` if the stream ends first, with `bytesTransferred`
    ///   set to the number of bytes read before the end; `UVError.limitExceeded` if `count` is
    ///   negative; any error the reader throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError` and loses the bytes it had already read: the
    /// next read starts after them.
    ///
    /// ## Example
    /// ```swift
    /// let header = try await stream.readExact(4)
    /// let length = header.reduce(0) { $0 << 8 | Int($1) }  // big-endian length prefix
    /// let body = try await stream.readExact(length)
    /// ```
    public func readExact(_ count: Int) async throws -> [UInt8] {
        guard count >= 0 else {
            throw UVError(code: UVError.limitExceeded.code, context: "readExact count \(count) is negative")
        }
        if count == 0 { return [] }
        // An array's storage cannot be lent across a suspension point, so each read goes into a
        // scratch buffer and is appended from there.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: min(count, 64 * 1024), alignment: 1)
        defer { scratch.deallocate() }
        var result: [UInt8] = []
        result.reserveCapacity(min(count, 1024 * 1024))
        while result.count < count {
            let wanted = min(scratch.count, count - result.count)
            let n = try await read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[..<wanted]))
            precondition(n >= 0 && n <= wanted, "read(into:) returned \(n), outside the buffer")
            if n == 0 { throw endOfStream(wanted: count, read: result.count) }
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<n]))
        }
        return result
    }

    /// Fills `buffer` completely from the stream.
    ///
    /// Calls `read(into:)` until all `buffer.count` bytes have arrived. An empty buffer returns at
    /// once without reading.
    ///
    /// - Parameter buffer: The memory to fill; it must stay valid until the call returns.
    /// - Throws: `UVError.unexpectedEndOfStream` if the stream ends first, with `bytesTransferred`
    ///   set to the number of bytes stored at the start of `buffer`; any error the reader throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError`. The bytes it had read are at the start of
    /// `buffer`, but their count is lost, and they are gone from the stream.
    public func readExact(into buffer: UnsafeMutableRawBufferPointer) async throws {
        var filled = 0
        while filled < buffer.count {
            let n = try await read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            precondition(n >= 0 && n <= buffer.count - filled, "read(into:) returned \(n), outside the buffer")
            if n == 0 { throw endOfStream(wanted: buffer.count, read: filled) }
            filled += n
        }
    }
}

/// The error for a stream that ended after `read` of the `wanted` bytes.
private func endOfStream(wanted: Int, read: Int) -> UVError {
    UVError(
        code: UVError.unexpectedEndOfStream.code,
        context: "readExact wanted \(wanted) bytes, the stream ended after \(read)",
        bytesTransferred: read
    )
}
