
/// A TCP connection for code that does not use async/await: every call blocks the calling thread
/// until it is done. The `TcpClient` of seed 003.
///
/// A client wraps a `TCPStream` and goes through the same stream core, so its buffering, errors
/// and timeouts are those of the async API: the loop fills the receive buffer in the background,
/// and a read takes bytes from it, waiting only when it is empty.
///
/// ```swift
/// let conn = try TCPClient(host: "example.com", port: 80)
/// try conn.write("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n")
/// let status = try conn.readLine()
/// try conn.close()
/// ```
///
/// A client that is dropped without `close()` closes its socket.
///
/// ## Threading
/// Calls block only the calling thread; many clients on many threads may share one loop (by
/// default `EventLoop.shared`). A call made on the loop's own thread throws `UVError.wrongThread`
/// instead of deadlocking. (On the thread of another loop it would block that loop while it
/// waits: don't.) Use one client from one thread at a time: two threads reading at once would
/// each get some of the bytes.
///
/// ## Failed calls
/// A read that fails (time-out, end of stream before the requested bytes, a line too long, a
/// connection error) consumes nothing: bytes it had taken are returned, in order, by the next
/// read. A timed-out write throws `UVError.timedOut`, and its bytes stay queued and are still sent,
/// before the bytes of later writes. After either, the connection stays usable.
public final class TCPClient: Sendable {
    /// The connection. Closing the client closes it.
    let stream: TCPStream

    struct State {
        var isClosed = false
        /// Read and write timeouts in milliseconds; 0 means none.
        var readTimeout = 0
        var writeTimeout = 0
        /// Bytes that a failed read had taken from the stream core; the next read starts here.
        /// Empty except after a failed multi-step read, so the core stays the only buffer in the
        /// normal case (see "Failed calls").
        var carry: [UInt8] = []
    }

    let state = LockedValue(State())

    /// The local end of the connection. Seed: `local_addr`. The corresponding libuv call is
    /// `uv_tcp_getsockname`.
    public var localAddress: SocketAddress { stream.localAddress }
    /// The remote end of the connection. The corresponding libuv call is `uv_tcp_getpeername`.
    public var peerAddress: SocketAddress { stream.peerAddress }
    /// The loop that owns the connection.
    public var loop: EventLoop { stream.loop }

    /// Wraps a connected stream (from a connect or an accept).
    init(stream: TCPStream) {
        self.stream = stream
    }

    /// Opens a TCP connection to `host` and `port`, resolving the name, and blocks until it is
    /// connected. Seed: `TcpClient`.
    ///
    /// The addresses of `host` are tried in the resolver's order until one accepts. Without a
    /// timeout the attempt waits as long as the kernel does (about two minutes for a host that
    /// does not answer); see `connect(host:port:timeoutMilliseconds:on:)`.
    ///
    /// ```swift
    /// let conn = try TCPClient(host: "127.0.0.1", port: 9000)
    /// ```
    /// - Parameters:
    ///   - host: a host name or a numeric IPv4 or IPv6 address.
    ///   - port: 0...65535.
    ///   - loop: the loop that will own the connection; `EventLoop.shared` by default.
    /// - Throws: `UVError.portOutOfRange`; `UVError.unknownHost`; `UVError.connectionRefused`
    ///   (or the last address's error); `UVError.wrongThread` on the loop's thread;
    ///   `UVError.loopShutDown`.
    /// The corresponding libuv calls are `uv_getaddrinfo` and `uv_tcp_connect`.
    public convenience init(host: String, port: Int, on loop: EventLoop = .shared) throws {
        try self.init(stream: Self.open(host: host, port: port, timeoutMilliseconds: 0, on: loop))
    }

    /// Opens a TCP connection like `init(host:port:on:)`, giving up after `timeoutMilliseconds`.
    /// Seed: `TcpClient.connect_timeout`.
    ///
    /// The time limit covers the whole attempt, name resolution included. When it passes, the
    /// attempt is abandoned and no socket is left open.
    ///
    /// ```swift
    /// let conn = try TCPClient.connect(host: "192.168.1.1", port: 8080, timeoutMilliseconds: 3000)
    /// ```
    /// - Parameters:
    ///   - host: a host name or a numeric address.
    ///   - port: 0...65535.
    ///   - timeoutMilliseconds: the time limit; 0 means none, as in `setTimeout(milliseconds:)`.
    ///   - loop: the loop that will own the connection.
    /// - Throws: `UVError.timedOut` when not connected in time; `UVError.invalidArgument` for a
    ///   negative timeout; and the errors of `init(host:port:on:)`.
    /// The corresponding libuv calls are `uv_getaddrinfo` and `uv_tcp_connect`.
    public static func connect(
        host: String, port: Int, timeoutMilliseconds: Int, on loop: EventLoop = .shared
    ) throws -> TCPClient {
        try TCPClient(stream: open(host: host, port: port, timeoutMilliseconds: timeoutMilliseconds, on: loop))
    }

    private static func open(
        host: String, port: Int, timeoutMilliseconds: Int, on loop: EventLoop
    ) throws -> TCPStream {
        try Blocking.checkThread(loop, "TCPClient.connect")
        try Blocking.checkTimeout(timeoutMilliseconds, "connect timeout")
        guard (0...65535).contains(port) else {
            throw UVError.portOutOfRange.with(context: "port \(port) for \(host)")
        }
        let timeout: Duration? = timeoutMilliseconds == 0 ? nil : .milliseconds(timeoutMilliseconds)
        // The connect enforces its own deadline and cleans up after itself, so wait for it.
        return try Blocking.run(on: loop) {
            try await TCPStream.connect(host: host, port: port, timeout: timeout, on: loop)
        }
    }

    /// Closes the connection: the peer reads end of stream, and the socket is released once libuv
    /// lets go of it; the call blocks until then. Seed: `close`.
    ///
    /// Every later call on the client throws `UVError.closed`, except `close()` itself: closing
    /// twice is not an error. Bytes that earlier writes returned for have been handed to the
    /// kernel, which still delivers them; bytes still queued by a timed-out write are dropped
    /// (libuv cancels queued writes on close), so shut down the write side first, or wait for
    /// a write to return, when every byte matters.
    /// - Throws: `UVError.wrongThread` on the loop's thread.
    /// The corresponding libuv call is `uv_close`.
    public func close() throws {
        try Blocking.checkThread(loop, "close")
        let first = state.withLock { state -> Bool in
            defer { state.isClosed = true; state.carry = [] }
            return !state.isClosed
        }
        guard first else { return }
        try Blocking.run(on: loop) { [stream] in await stream.close() }
    }

    /// Checks that a call may block here and that the client is open.
    func checkUsable(_ call: String) throws(UVError) {
        try Blocking.checkThread(loop, call)
        if state.withLock({ $0.isClosed }) { throw UVError.closed.with(context: "\(call) after close()") }
    }
}

extension TCPClient: CustomStringConvertible {
    public var description: String { "TCPClient(\(localAddress) -> \(peerAddress))" }
}
