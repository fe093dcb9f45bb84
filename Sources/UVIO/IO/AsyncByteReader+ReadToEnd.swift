extension AsyncByteReader {
    /// Reads until the end of the stream and returns every byte.
    ///
    /// Reads in chunks of up to 64 KiB into one scratch buffer and appends them to the result, which
    /// grows geometrically. With a `limit`, it never consumes more than `limit + 1` bytes: one past
    /// the limit is how it knows the limit was exceeded.
    ///
    /// - Parameter limit: The most bytes the stream may hold, 0 or more; `nil` for no limit.
    /// - Returns: The bytes up to the end of the stream; empty if it had already ended.
    /// - Throws: `UVError.limitExceeded` if the stream holds more than `limit` bytes (the bytes read
    ///   are lost) or if `limit` is negative; any error the reader throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError` and loses the bytes it had already read. It
    /// checks for cancellation between reads, so it stops even when the reader never suspends.
    ///
    /// ## Example
    /// ```swift
    /// try await stream.writeAll("GET / HTTP/1.0\r\n\r\n")
    /// let response = try await stream.readToEnd(limit: 1 << 20)
    /// ```
    public func readToEnd(limit: Int? = nil) async throws -> [UInt8] {
        if let limit, limit < 0 {
            throw UVError(code: UVError.limitExceeded.code, context: "readToEnd limit \(limit) is negative")
        }
        let chunk = 64 * 1024
        // With a limit, the scratch never needs more than `limit + 1` bytes.
        let scratchSize = limit.map { $0 < chunk ? $0 + 1 : chunk } ?? chunk
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: scratchSize, alignment: 1)
        defer { scratch.deallocate() }

        var result: [UInt8] = []
        while true {
            try Task.checkCancellation()
            // Ask for no more than one byte past the limit (written so that `Int.max` cannot overflow).
            let wanted = limit.map { min(scratchSize - 1, $0 - result.count) + 1 } ?? scratchSize
            let n = try await read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[..<wanted]))
            precondition(n >= 0 && n <= wanted, "read(into:) returned \(n), outside the buffer")
            if n == 0 { return result }
            if let limit, result.count + n > limit {
                throw UVError(
                    code: UVError.limitExceeded.code,
                    context: "readToEnd: the stream holds more than the limit of \(limit) bytes"
                )
            }
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<n]))
        }
    }
}
