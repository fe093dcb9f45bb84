// Timeouts and socket options.
extension TCPClient {
    /// Sets both the read and the write timeout to `milliseconds`; 0 disables them.
    /// Seed: `set_timeout_ms`.
    ///
    /// A call that times out throws `UVError.timedOut` and leaves the connection usable: a read
    /// consumes nothing, a write's bytes stay queued and are still sent. Each call gets the whole
    /// timeout: a `readExact` that waits for several chunks has `milliseconds` for all of them.
    ///
    /// ```swift
    /// try conn.setTimeout(milliseconds: 5000)
    /// ```
    /// - Throws: `UVError.invalidArgument` for a negative value; `UVError.closed`;
    ///   `UVError.wrongThread`.
    public func setTimeout(milliseconds: Int) throws {
        try setReadTimeout(milliseconds: milliseconds)
        try setWriteTimeout(milliseconds: milliseconds)
    }

    /// Sets the read timeout alone; 0 disables it. See `setTimeout(milliseconds:)`.
    /// - Throws: as `setTimeout(milliseconds:)`.
    public func setReadTimeout(milliseconds: Int) throws {
        try checkUsable("setReadTimeout")
        try Blocking.checkTimeout(milliseconds, "read timeout")
        state.withLock { $0.readTimeout = milliseconds }
    }

    /// Sets the write timeout alone; 0 disables it. See `setTimeout(milliseconds:)`.
    /// - Throws: as `setTimeout(milliseconds:)`.
    public func setWriteTimeout(milliseconds: Int) throws {
        try checkUsable("setWriteTimeout")
        try Blocking.checkTimeout(milliseconds, "write timeout")
        state.withLock { $0.writeTimeout = milliseconds }
    }

    /// The read timeout in milliseconds; 0 when reads wait forever.
    public var readTimeoutMilliseconds: Int { state.withLock { $0.readTimeout } }

    /// The write timeout in milliseconds; 0 when writes wait forever.
    public var writeTimeoutMilliseconds: Int { state.withLock { $0.writeTimeout } }

    /// Enables or disables `TCP_NODELAY`: with it on, small writes leave at once instead of
    /// waiting to be coalesced (Nagle's algorithm). Seed: `set_nodelay`.
    ///
    /// ```swift
    /// try conn.setNoDelay(true)
    /// ```
    /// - Throws: `UVError.closed`; `UVError.wrongThread`; libuv's error.
    /// The corresponding libuv call is `uv_tcp_nodelay`.
    public func setNoDelay(_ enabled: Bool) throws {
        try checkUsable("setNoDelay")
        try Blocking.run(on: loop) { [stream] in try await stream.setNoDelay(enabled) }
    }

    /// Enables or disables TCP keep-alive probes, which detect a peer that vanished without
    /// closing. Seed: `set_keepalive`.
    ///
    /// ```swift
    /// try conn.setKeepAlive(true)
    /// ```
    /// - Parameters:
    ///   - enabled: whether to send probes.
    ///   - delaySeconds: idle time before the first probe, at least 1 second.
    /// - Throws: `UVError.invalidArgument` for a delay under 1 second; `UVError.closed`;
    ///   `UVError.wrongThread`.
    /// The corresponding libuv call is `uv_tcp_keepalive`.
    public func setKeepAlive(_ enabled: Bool, delaySeconds: Int = 60) throws {
        try checkUsable("setKeepAlive")
        try Blocking.run(on: loop) { [stream] in try await stream.setKeepAlive(enabled, delay: .seconds(delaySeconds)) }
    }

    /// Which side of the connection `shutdown(_:)` ends: `.read`, `.write` or `.both`.
    public typealias ShutdownSide = TCPStream.ShutdownSide

    /// Shuts down the read side, the write side or both; the socket stays open until `close()`.
    /// Seed: `shutdown`.
    ///
    /// - `.write` sends end of stream once the bytes written so far are sent: the peer's reads
    ///   return end of stream, and this side can still read its answer.
    /// - `.read` drops the bytes not yet read; later reads return end of stream.
    ///
    /// Shutting down a side twice is not an error.
    ///
    /// ```swift
    /// try conn.writeAll("BYE\n")
    /// try conn.shutdown(.write)
    /// ```
    /// - Throws: `UVError.timedOut` when the write side does not shut down within the write
    ///   timeout; `UVError.notConnected` or the connection's error; `UVError.closed`;
    ///   `UVError.wrongThread`.
    /// The corresponding libuv calls are `uv_shutdown` and `uv_read_stop`.
    public func shutdown(_ side: ShutdownSide) throws {
        try checkUsable("shutdown")
        if side != .write { state.withLock { $0.carry = [] } }
        let deadline = Blocking.deadline(milliseconds: state.withLock { $0.writeTimeout })
        try Blocking.run(on: loop, deadline: deadline) { [stream] in try await stream.shutdown(side) }
    }
}
