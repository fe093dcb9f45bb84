// Writing: the bytes go to the stream core on the loop thread; the caller blocks until libuv has
// written them.
extension TCPClient {
    /// Sends the UTF-8 bytes of `string` and blocks until they are written (flushed to the
    /// kernel). Seed: `write`.
    ///
    /// The stream tries `uv_try_write` first and queues only what the socket did not take, so the
    /// whole string is always written: the count returned is its UTF-8 length.
    ///
    /// ```swift
    /// let n = try conn.write("PING\r\n")  // 6
    /// ```
    /// - Returns: the number of bytes written.
    /// - Throws: `UVError.timedOut` after the write timeout (the bytes stay queued and are still
    ///   sent, in order); `UVError.brokenPipe` after `shutdown(.write)` or when the peer is gone;
    ///   `UVError.connectionReset`; `UVError.closed`; `UVError.wrongThread`.
    /// The corresponding libuv calls are `uv_try_write` and `uv_write`.
    @discardableResult
    public func write(_ string: String) throws -> Int {
        try send(Array(string.utf8), "write")
    }

    /// Sends raw bytes and blocks until they are written. Seed: `write_bytes`.
    ///
    /// ```swift
    /// try conn.write(bytes: [0x48, 0x69])
    /// ```
    /// - Returns: the number of bytes written, all of them.
    /// - Throws: as `write(_:)`.
    @discardableResult
    public func write(bytes: some Collection<UInt8>) throws -> Int {
        try send(Array(bytes), "write(bytes:)")
    }

    /// Sends all of `string` and blocks until every byte is written. Seed: `write_all`.
    ///
    /// ```swift
    /// try conn.writeAll("large payload that must arrive in full\n")
    /// ```
    /// - Throws: as `write(_:)`.
    public func writeAll(_ string: String) throws {
        try send(Array(string.utf8), "writeAll")
    }

    /// Sends all of `bytes` and blocks until every byte is written. Seed: `write_all`.
    /// - Throws: as `write(_:)`.
    public func writeAll(_ bytes: some Collection<UInt8>) throws {
        try send(Array(bytes), "writeAll")
    }

    /// Hands `bytes` to the core on the loop thread and blocks until the write completes.
    @discardableResult
    private func send(_ bytes: [UInt8], _ call: String) throws -> Int {
        try checkUsable(call)
        guard !bytes.isEmpty else { return 0 }
        let deadline = Blocking.deadline(milliseconds: state.withLock { $0.writeTimeout })
        let completion = Blocking.Completion<Void>()
        let core = stream.core
        try loop.execute {
            bytes.withUnsafeBytes { buffer in
                core.write(buffer, completion: .callback { error in
                    completion.finish(error.map { .failure($0) } ?? .success(()))
                })
            }
        }
        // On a time-out the write stays queued; its completion later finds nobody waiting.
        try completion.wait(deadline: deadline)
        return bytes.count
    }
}
