extension AsyncBufferedByteReader {
    /// Reads the next line as text, without its `\n` or `\r\n`.
    ///
    /// The bytes are decoded as UTF-8 with `String(decoding:as:)`: an invalid sequence becomes the
    /// replacement character U+FFFD rather than an error. Use `readLineBytes(maxLength:)` to see
    /// the bytes as they came. A last line without a newline is returned at the end of the stream;
    /// a lone `\r` is kept, since only `\r\n` ends a line.
    ///
    /// - Parameter maxLength: The most bytes a line may hold, its terminator not counted; 0 or more.
    /// - Returns: The line; `""` for an empty line; `nil` if the stream had already ended.
    /// - Throws: `UVError.limitExceeded` when a line is longer than `maxLength` bytes (its first
    ///   `maxLength + 2` bytes, or all of it up to the end of the stream, are then consumed and lost)
    ///   or when `maxLength` is negative; any error the reader throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError` and loses the part of the line it had already
    /// read: the next read starts after it.
    ///
    /// ## Example
    /// ```swift
    /// while let line = try await stream.readLine() {
    ///     try await stream.writeAll(line.uppercased() + "\n")
    /// }
    /// ```
    public func readLine(maxLength: Int = 64 * 1024) async throws -> String? {
        try await readLineBytes(maxLength: maxLength).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads the next line as bytes, without its `\n` or `\r\n`.
    ///
    /// Works as `readLine(maxLength:)` does, without decoding.
    ///
    /// - Parameter maxLength: The most bytes a line may hold, its terminator not counted; 0 or more.
    /// - Returns: The line's bytes; `[]` for an empty line; `nil` if the stream had already ended.
    /// - Throws: `UVError.limitExceeded` when a line is longer than `maxLength` bytes (its first
    ///   `maxLength + 2` bytes, or all of it up to the end of the stream, are then consumed and lost)
    ///   or when `maxLength` is negative; any error the reader throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError` and loses the part of the line it had already
    /// read: the next read starts after it.
    public func readLineBytes(maxLength: Int = 64 * 1024) async throws -> [UInt8]? {
        guard maxLength >= 0 else {
            throw UVError(code: UVError.limitExceeded.code, context: "readLine maxLength \(maxLength) is negative")
        }
        // Made only when thrown: its context is a string, which would allocate on every line.
        func exceeded() -> UVError {
            UVError(code: UVError.limitExceeded.code, context: "readLine: line longer than maxLength of \(maxLength) bytes")
        }
        // Leave room for a "\r\n" after a line of exactly maxLength bytes.
        let (withRoom, overflow) = maxLength.addingReportingOverflow(2)
        var line: [UInt8]
        do {
            line = try await readUntil(UInt8(ascii: "\n"), maxLength: overflow ? Int.max : withRoom)
        } catch UVError.limitExceeded {
            throw exceeded()
        }
        if line.isEmpty { return nil }  // end of stream
        if line.last == UInt8(ascii: "\n") {
            line.removeLast()
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
        }
        if line.count > maxLength { throw exceeded() }
        return line
    }
}
