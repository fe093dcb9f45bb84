// Reading: every call takes bytes from the stream core's receive buffer, blocking while it is empty.
extension TCPClient {
    /// Reads up to `maxBytes` bytes: whatever is buffered, waiting only while nothing is. Seed: `read`.
    ///
    /// ```swift
    /// try conn.write("HELLO\n")
    /// let data = try conn.read(maxBytes: 1024)
    /// ```
    /// - Parameter maxBytes: the most bytes to return.
    /// - Returns: between 1 and `maxBytes` bytes; an empty array at end of stream (or for
    ///   `maxBytes` 0).
    /// - Throws: `UVError.timedOut` after the read timeout (nothing is consumed);
    ///   `UVError.limitExceeded` for a negative `maxBytes`; the connection's error, such as
    ///   `UVError.connectionReset`, once buffered bytes are read; `UVError.closed`;
    ///   `UVError.wrongThread`.
    public func read(maxBytes: Int) throws -> [UInt8] {
        try checkUsable("read")
        try Blocking.checkSize(maxBytes, "maxBytes")
        guard maxBytes > 0 else { return [] }
        return try consume(deadline: readDeadline) { available in
            let count = min(available.count, maxBytes)
            return (count, [UInt8](available.prefix(count)))
        }
    }

    /// Reads a line and returns it without its `\n` or `\r\n`. Seed: `read_line`.
    ///
    /// The last line of the stream is returned even when no newline ends it. The bytes are decoded
    /// as UTF-8; invalid sequences become U+FFFD replacement characters, so a line always
    /// decodes (use `readUntil(_:maxLength:)` for the raw bytes).
    ///
    /// The line is gathered chunk by chunk as it arrives: it may be longer than the receive
    /// buffer, up to `maxLength`.
    ///
    /// ```swift
    /// let conn = try TCPClient(host: "towel.blinkenlights.nl", port: 23)
    /// while let line = try conn.readLine() { print(line) }
    /// ```
    /// - Parameter maxLength: the longest line accepted, in bytes without the line ending.
    /// - Returns: the line; nil at end of stream when no byte is left.
    /// - Throws: `UVError.limitExceeded` when the line is longer than `maxLength` (or `maxLength`
    ///   is negative); `UVError.timedOut` after the read timeout; the connection's error;
    ///   `UVError.closed`; `UVError.wrongThread`. A failed call consumes nothing.
    public func readLine(maxLength: Int = 64 * 1024) throws -> String? {
        try checkUsable("readLine")
        try Blocking.checkSize(maxLength, "maxLength")
        // One more byte than the line may hold: a '\r' whose '\n' is still on its way.
        let limit = min(maxLength, Int.max - 2) + 2
        guard let raw = try gather(until: UInt8(ascii: "\n"), limit: limit, deadline: readDeadline,
                                   tooLong: "line longer than maxLength \(maxLength)") else {
            return nil
        }
        var line = raw[...]
        if line.last == UInt8(ascii: "\n") {
            line.removeLast()
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
        }
        guard line.count <= maxLength else {
            putBack(raw)
            throw UVError.limitExceeded.with(context: "line of \(line.count) bytes exceeds maxLength \(maxLength)")
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Reads exactly `count` bytes, blocking until all have arrived. Seed: `read_exact`.
    ///
    /// ```swift
    /// let header = try conn.readExact(4)
    /// ```
    /// - Throws: `UVError.unexpectedEndOfStream` when the stream ends first (its
    ///   `bytesTransferred` says how many had arrived; the next read returns them);
    ///   `UVError.limitExceeded` for a negative count; `UVError.timedOut`; the connection's error;
    ///   `UVError.closed`; `UVError.wrongThread`. A failed call consumes nothing.
    public func readExact(_ count: Int) throws -> [UInt8] {
        try checkUsable("readExact")
        try Blocking.checkSize(count, "count")
        let deadline = readDeadline
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        do {
            while bytes.count < count {
                let ended = try consume(deadline: deadline) { available in
                    let take = min(available.count, count - bytes.count)
                    bytes.append(contentsOf: available.prefix(take))
                    return (take, available.isEmpty)
                }
                if ended {
                    throw UVError(code: UVError.unexpectedEndOfStream.code,
                                  context: "read \(bytes.count) of \(count) bytes", bytesTransferred: bytes.count)
                }
            }
        } catch {
            putBack(bytes)
            throw error
        }
        return bytes
    }

    /// Reads until `byte` arrives and returns the bytes read, `byte` included. Seed: `read_until`.
    ///
    /// At end of stream it returns what was read without the delimiter (empty when nothing was).
    /// The bytes are gathered chunk by chunk as they arrive, so the delimiter may lie far beyond
    /// what the receive buffer holds, up to `maxLength`.
    ///
    /// ```swift
    /// let line = try conn.readUntil(10)  // up to and including "\n"
    /// ```
    /// - Parameters:
    ///   - byte: the delimiter.
    ///   - maxLength: the most bytes returned, delimiter included.
    /// - Throws: `UVError.limitExceeded` when `maxLength` bytes arrive without the delimiter (or
    ///   `maxLength` is negative); `UVError.timedOut`; the connection's error; `UVError.closed`;
    ///   `UVError.wrongThread`. A failed call consumes nothing.
    public func readUntil(_ byte: UInt8, maxLength: Int = 1024 * 1024) throws -> [UInt8] {
        try checkUsable("readUntil")
        try Blocking.checkSize(maxLength, "maxLength")
        return try gather(until: byte, limit: maxLength, deadline: readDeadline,
                          tooLong: "no delimiter \(byte) in maxLength \(maxLength) bytes") ?? []
    }

    /// Returns up to `maxBytes` of the bytes the next read will return, without consuming them.
    /// Seed: `peek`.
    ///
    /// It waits, like `read(maxBytes:)`, only while no byte is buffered, and then returns what is
    /// there, which may be fewer than `maxBytes`.
    ///
    /// ```swift
    /// let preview = try conn.peek(maxBytes: 4)
    /// let same = try conn.read(maxBytes: preview.count)  // the same bytes
    /// ```
    /// - Returns: between 1 and `maxBytes` bytes; empty at end of stream.
    /// - Throws: as `read(maxBytes:)`.
    public func peek(maxBytes: Int) throws -> [UInt8] {
        try checkUsable("peek")
        try Blocking.checkSize(maxBytes, "maxBytes")
        guard maxBytes > 0 else { return [] }
        let carried = state.withLock { [UInt8]($0.carry.prefix(maxBytes)) }
        let look = { (available: UnsafeRawBufferPointer) -> (consumed: Int, result: [UInt8]) in
            (0, [UInt8](available.prefix(maxBytes - carried.count)))
        }
        if carried.isEmpty { return try stream.core.consumeBufferedBlocking(deadline: readDeadline, look) }
        guard carried.count < maxBytes else { return carried }
        // Add what the core holds behind the carried bytes, without waiting for more.
        let behind = (try? stream.core.tryConsume(look)) ?? []
        return carried + behind
    }

    // MARK: Helpers

    /// The deadline of a read starting now, from the read timeout.
    var readDeadline: UInt64? { Blocking.deadline(milliseconds: state.withLock { $0.readTimeout }) }

    /// Runs `body` on the next bytes: the carried ones if any, else the core's, waiting for them.
    /// `body` gets an empty buffer at end of stream.
    func consume<R>(
        deadline: UInt64?, _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: R)
    ) throws -> R {
        var result: R?
        try state.withLock { state in
            guard !state.carry.isEmpty else { return }
            let (consumed, value) = try state.carry.withUnsafeBytes(body)
            state.carry.removeFirst(consumed)
            result = value
        }
        if let result { return result }
        return try stream.core.consumeBufferedBlocking(deadline: deadline, body)
    }

    /// Returns bytes a failed read had taken, so that the next read starts with them.
    func putBack(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        state.withLock { $0.carry.insert(contentsOf: bytes, at: 0) }
    }

    /// Consumes bytes up to and including `delimiter`, at most `limit` of them.
    /// - Returns: the bytes; what was read at end of stream; nil at end of stream with none.
    /// - Throws: `limitExceeded` when `limit` bytes hold no delimiter. Any error puts the bytes back.
    private func gather(until delimiter: UInt8, limit: Int, deadline: UInt64?, tooLong: String) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        do {
            while true {
                let (found, ended) = try consume(deadline: deadline) { available -> (Int, (Bool, Bool)) in
                    let window = available.prefix(limit - bytes.count)
                    if let index = window.firstIndex(of: delimiter) {
                        bytes.append(contentsOf: window[...index])
                        return (index + 1, (true, false))
                    }
                    bytes.append(contentsOf: window)
                    return (window.count, (false, available.isEmpty))
                }
                if found { return bytes }
                if ended { return bytes.isEmpty ? nil : bytes }
                if bytes.count >= limit {
                    throw UVError.limitExceeded.with(context: tooLong)
                }
            }
        } catch {
            putBack(bytes)
            throw error
        }
    }
}
