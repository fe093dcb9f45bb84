internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket that listens for connections.
///
/// Connections are accepted in the background into a bounded queue; `accept()` takes the next
/// one, and `connections` is the same as an `AsyncSequence` (the seed's `incoming`). Connections
/// that nobody takes are closed with the listener.
///
/// The echo server of seed 002, one task per connection:
///
/// ```swift
/// let listener = try await TCPListener.bind(SocketAddress(parsing: "127.0.0.1:6142"))
/// for try await socket in listener.connections {
///     Task(executorPreference: listener.loop) {
///         let buffer = try await socket.readExact(5)
///         try await socket.writeAll(buffer)
///     }
/// }
/// ```
///
/// A listener that is dropped without `close()` closes its socket.
public final class TCPListener: Sendable {
    let core: ListenerCore
    /// The address the listener is bound to, with the port the system chose for port 0.
    /// The corresponding libuv call is `uv_tcp_getsockname`.
    public let localAddress: SocketAddress

    private init(core: ListenerCore, localAddress: SocketAddress) {
        self.core = core
        self.localAddress = localAddress
    }

    deinit {
        core.closeSoon()
    }

    /// The loop that owns the listener and the connections it accepts.
    public var loop: EventLoop { core.loop }

    /// Binds to `address` and starts listening.
    ///
    /// - Parameters:
    ///   - address: where to listen; port 0 lets the system choose (see `localAddress`).
    ///   - backlog: the kernel's queue of connections not yet accepted (`listen(2)`).
    ///   - reuseAddress: `SO_REUSEADDR`, so a restarted server can bind while old connections
    ///     linger in TIME_WAIT. On by default, as libuv does.
    ///   - reusePort: `SO_REUSEPORT`, so several listeners (one per loop) share the port and the
    ///     kernel spreads connections over them.
    ///   - loop: the loop that will own the listener and its connections.
    /// - Throws: `UVError.addressInUse`; `UVError.limitExceeded` for a backlog under 1;
    ///   `UVError.loopShutDown`.
    /// The corresponding libuv calls are `uv_tcp_bind` and `uv_listen`.
    public static func bind(
        _ address: SocketAddress,
        backlog: Int = 511,
        reuseAddress: Bool = true,
        reusePort: Bool = false,
        on loop: EventLoop = .shared
    ) async throws -> TCPListener {
        guard backlog >= 1, backlog <= Int(Int32.max) else {
            throw UVError.limitExceeded.with(context: "backlog \(backlog) must be 1 or more")
        }
        let core = ListenerCore(loop: loop, queueLimit: min(backlog, 1024))
        return try await core.perform { () throws -> TCPListener in
            do {
                try TCPHandle.initialize(core, family: address.family)
                let fd = try TCPHandle.descriptor(core)
                if reusePort { try setOption(fd, SO_REUSEPORT, 1) }
                if reuseAddress {
                    let result = address.withSockAddr { sockaddr, _ in uv_tcp_bind(TCPHandle.tcp(core), sockaddr, 0) }
                    try UVError.check(result, "bind \(address)")
                } else {
                    // libuv's bind always sets SO_REUSEADDR, so bind the descriptor directly.
                    let result = address.withSockAddr { sockaddr, length in Glibc.bind(fd, sockaddr, length) }
                    if result != 0 { throw UVError(code: -errno, context: "bind \(address)") }
                }
                try core.listen(backlog: Int32(backlog))
                return TCPListener(core: core, localAddress: try TCPHandle.localAddress(core))
            } catch {
                core.close()
                throw error
            }
        }
    }

    /// Resolves `host` and binds to its first address; see `bind(_:backlog:reuseAddress:reusePort:on:)`.
    public static func bind(
        host: String, port: Int, backlog: Int = 511, reusePort: Bool = false, on loop: EventLoop = .shared
    ) async throws -> TCPListener {
        guard let address = try await SocketAddress.resolve(host: host, port: port, on: loop).first else {
            throw UVError.unknownHost.with(context: host)
        }
        return try await bind(address, backlog: backlog, reusePort: reusePort, on: loop)
    }

    /// Waits for the next connection and returns it.
    ///
    /// ## Cancellation
    /// A cancelled accept throws `CancellationError`; a connection that arrives meanwhile stays
    /// queued for the next accept.
    /// - Throws: `UVError.closed` once the listener is closed; `CancellationError`.
    public func accept() async throws -> TCPStream {
        try await core.accept()
    }

    /// How many accept errors the listener survived (for example `UVError.tooManyOpenFiles` when
    /// the process ran out of descriptors): it keeps serving once the cause passes.
    public var survivedErrorCount: Int { core.transientErrorCount }

    /// Stops listening and closes connections that nobody accepted; pending accepts end with
    /// `UVError.closed`. Closing twice is not an error. The corresponding libuv call is `uv_close`.
    public func close() async {
        await core.close()
    }

    private static func setOption(_ fd: Int32, _ name: Int32, _ value: Int32) throws(UVError) {
        var value = value
        if setsockopt(fd, SOL_SOCKET, name, &value, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            throw UVError(code: -errno, context: "setsockopt")
        }
    }
}

extension TCPListener: CustomStringConvertible {
    public var description: String { "TCPListener(\(localAddress))" }
}
