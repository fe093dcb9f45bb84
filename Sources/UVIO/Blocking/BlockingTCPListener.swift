import Synchronization

/// A listening TCP socket whose `accept()` blocks the calling thread. The `TcpListener` of seed 003.
///
/// Named `BlockingTCPListener` rather than `TCPServer`: it is the async `TCPListener` with a
/// blocking `accept()`, nothing more, and a "server" would suggest that it runs handlers for you.
/// The prefix tells at the call site which of the two listeners you hold.
///
/// Connections are accepted in the background into a bounded queue, like `TCPListener`'s;
/// `accept()` takes the next one as a `TCPClient`, on the same loop.
///
/// ```swift
/// let server = try BlockingTCPListener("0.0.0.0:8080")
/// print("listening on \(server.localAddress)")
/// let client = try server.accept()
/// let message = try client.readLine()
/// try client.write("OK\r\n")
/// try client.close()
/// ```
///
/// A listener that is dropped without `close()` closes its socket.
///
/// ## Threading
/// Calls block only the calling thread; several threads may wait in `accept()` on one listener,
/// and each connection goes to one of them. A call on the loop's own thread throws
/// `UVError.wrongThread`.
public final class BlockingTCPListener: Sendable {
    let listener: TCPListener
    private let isClosed = Atomic<Bool>(false)

    /// The address the listener is bound to, with the port the system chose for port 0.
    /// Seed: `local_addr`. The corresponding libuv call is `uv_tcp_getsockname`.
    public var localAddress: SocketAddress { listener.localAddress }
    /// The loop that owns the listener and the connections it accepts.
    public var loop: EventLoop { listener.loop }

    /// Binds to `address`, such as `"0.0.0.0:8080"`, `"127.0.0.1:0"` or `"[::1]:9000"`, and
    /// starts listening. Seed: `TcpListener`.
    ///
    /// A host name with a port (`"localhost:8080"`) is resolved, and the first address is bound.
    /// Port 0 lets the system choose; `localAddress` tells which it chose.
    /// - Parameters:
    ///   - address: the address and port, as `SocketAddress(parsing:)` reads them, or a host name
    ///     and port.
    ///   - backlog: the kernel's queue of connections not yet accepted (`listen(2)`).
    ///   - loop: the loop that will own the listener; `EventLoop.shared` by default.
    /// - Throws: `UVError.malformedAddress`; `UVError.portOutOfRange`; `UVError.unknownHost`;
    ///   `UVError.addressInUse`; `UVError.limitExceeded` for a backlog under 1;
    ///   `UVError.wrongThread` on the loop's thread; `UVError.loopShutDown`.
    /// The corresponding libuv calls are `uv_tcp_bind` and `uv_listen`.
    public convenience init(_ address: String, backlog: Int = 511, on loop: EventLoop = .shared) throws {
        try Blocking.checkThread(loop, "BlockingTCPListener")
        try self.init(listener: Self.bind(address, backlog: backlog, on: loop))
    }

    /// Binds to `address` and starts listening; see `init(_:backlog:on:)`.
    public convenience init(address: SocketAddress, backlog: Int = 511, on loop: EventLoop = .shared) throws {
        try Blocking.checkThread(loop, "BlockingTCPListener")
        try self.init(listener: Blocking.run(on: loop) {
            try await TCPListener.bind(address, backlog: backlog, on: loop)
        })
    }

    /// Binds to a parsed address or, failing that, to the first address of a host name and port.
    private static func bind(_ address: String, backlog: Int, on loop: EventLoop) throws -> TCPListener {
        switch Result(catching: { () throws(UVError) in try SocketAddress(parsing: address) }) {
        case .success(let parsed):
            return try Blocking.run(on: loop) { try await TCPListener.bind(parsed, backlog: backlog, on: loop) }
        case .failure(let error):
            // Perhaps a host name and port: "localhost:8080". Anything else keeps the parse error.
            guard error == .malformedAddress, let colon = address.lastIndex(of: ":"),
                  !address[..<colon].isEmpty, !address[..<colon].contains(":"),
                  let port = Int(address[address.index(after: colon)...]) else { throw error }
            let host = String(address[..<colon])
            return try Blocking.run(on: loop) {
                try await TCPListener.bind(host: host, port: port, backlog: backlog, on: loop)
            }
        }
    }

    init(listener: TCPListener) {
        self.listener = listener
    }

    /// Blocks until a connection arrives and returns it as a `TCPClient`. Seed: `accept`.
    ///
    /// ```swift
    /// let server = try BlockingTCPListener("127.0.0.1:9999")
    /// while true {
    ///     let conn = try server.accept()
    ///     let data = try conn.readLine() ?? ""
    ///     try conn.write("received: \(data)\n")
    ///     try conn.close()
    /// }
    /// ```
    /// - Throws: `UVError.closed` once the listener is closed (also while waiting);
    ///   `UVError.wrongThread` on the loop's thread.
    public func accept() throws -> TCPClient {
        try accept(deadline: nil)
    }

    /// Blocks until a connection arrives or `timeoutMilliseconds` pass; 0 waits without limit.
    /// Seed: `accept`, with a time limit.
    /// - Throws: `UVError.timedOut` when no connection arrived in time (a later one stays queued
    ///   for the next accept); `UVError.invalidArgument` for a negative timeout; as `accept()`.
    public func accept(timeoutMilliseconds: Int) throws -> TCPClient {
        try Blocking.checkTimeout(timeoutMilliseconds, "accept timeout")
        return try accept(deadline: Blocking.deadline(milliseconds: timeoutMilliseconds))
    }

    private func accept(deadline: UInt64?) throws -> TCPClient {
        try Blocking.checkThread(loop, "accept")
        if isClosed.load(ordering: .acquiring) { throw UVError.closed.with(context: "accept after close()") }
        return TCPClient(stream: try listener.core.acceptBlocking(deadline: deadline))
    }

    /// Stops listening, closes the connections nobody accepted, and blocks until the socket is
    /// released. Threads waiting in `accept()` get `UVError.closed`; closing twice is not an error.
    /// - Throws: `UVError.wrongThread` on the loop's thread.
    /// The corresponding libuv call is `uv_close`.
    public func close() throws {
        try Blocking.checkThread(loop, "close")
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try Blocking.run(on: loop) { [listener] in await listener.close() }
    }
}

extension BlockingTCPListener: CustomStringConvertible {
    public var description: String { "BlockingTCPListener(\(localAddress))" }
}
