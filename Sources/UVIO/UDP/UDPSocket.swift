internal import CLibUV

/// A UDP socket: whole datagrams in both directions, each with its address.
///
/// One `send` is one datagram, sent whole or an error (the seed's `send_dgram`); one `receive`
/// yields one datagram and the address it came from (the seed's `recv_dgram`), and says when it
/// was truncated. Datagrams are received in the background into a bounded queue; when the
/// application does not keep up, new datagrams are dropped and counted in
/// `droppedDatagramCount` rather than buffered without bound.
///
/// An echo server:
///
/// ```swift
/// let socket = try await UDPSocket.bind(.loopbackIPv4(port: 9000))
/// for try await datagram in socket.datagrams {
///     try await socket.send(datagram.bytes, to: datagram.sender)
/// }
/// ```
///
/// The same socket also has a poll façade (`pollSend`, `pollReceive`, `SendDatagram`,
/// `ReceiveDatagram`) and a callback façade (`onReceive`, `send(_:to:completion:)`); all share
/// one queue, so they agree.
///
/// A socket that is dropped without `close()` closes its descriptor.
///
/// ## Threading
/// Every method may be called from any task or thread. A task that runs on the socket's loop
/// (`Task(executorPreference: socket.loop)`) sends with `uv_udp_try_send` without a thread hop.
public final class UDPSocket: Sendable {
    @usableFromInline let core: UDPCore
    /// The address the socket is bound to, with the port the system chose for port 0.
    /// The corresponding libuv call is `uv_udp_getsockname`.
    public let localAddress: SocketAddress

    private init(core: UDPCore, localAddress: SocketAddress) {
        self.core = core
        self.localAddress = localAddress
    }

    deinit {
        core.closeSoon()
    }

    /// The loop that owns the socket.
    public var loop: EventLoop { core.loop }

    /// The configuration the socket was created with.
    public var configuration: Configuration { core.configuration }

    /// Binds a socket to `address` and starts receiving.
    ///
    /// ```swift
    /// let socket = try await UDPSocket.bind(.loopbackIPv6(port: 0))
    /// print(socket.localAddress)  // [::1]:40312
    /// ```
    /// - Parameters:
    ///   - address: where to receive; port 0 lets the system choose (see `localAddress`).
    ///   - reuseAddress: `SO_REUSEADDR` (`UV_UDP_REUSEADDR`), so several sockets may bind the
    ///     same address, as multicast receivers do.
    ///   - configuration: queue limits, batched receive and buffer sizes.
    ///   - loop: the loop that will own the socket.
    /// - Throws: `UVError.addressInUse`; `UVError.limitExceeded` for a configuration out of
    ///   range; `UVError.loopShutDown`.
    /// The corresponding libuv calls are `uv_udp_init_ex`, `uv_udp_bind` and `uv_udp_recv_start`.
    public static func bind(
        _ address: SocketAddress,
        reuseAddress: Bool = false,
        configuration: Configuration = Configuration(),
        on loop: EventLoop = .shared
    ) async throws -> UDPSocket {
        try configuration.validate()
        let core = UDPCore(loop: loop, family: address.family, configuration: configuration)
        return try await core.perform { () throws -> UDPSocket in
            do {
                try core.initialize()
                try applyBufferSizes(core)
                let flags = reuseAddress ? UInt32(UV_UDP_REUSEADDR.rawValue) : 0
                let result = address.withSockAddr { sockaddr, _ in uv_udp_bind(core.udp, sockaddr, flags) }
                try UVError.check(result, "bind \(address)")
                try core.startReceiving()
                return UDPSocket(core: core, localAddress: try core.localAddress())
            } catch {
                core.close()
                throw error
            }
        }
    }

    /// Creates a socket connected to `address`: it sends only there with `send(_:)` and receives
    /// only from there. The socket is bound to the local address the route to `address` uses and
    /// a system-chosen port, and keeps that binding after `disconnect()`.
    ///
    /// Connecting a UDP socket exchanges no packet; it sets the default destination and filters
    /// what is received. An ICMP "port unreachable" for an earlier send may make a later
    /// receive throw `UVError.connectionRefused`.
    /// - Throws: `UVError.invalidArgument` for port 0; `UVError.limitExceeded` for a
    ///   configuration out of range; `UVError.loopShutDown`.
    /// The corresponding libuv call is `uv_udp_connect`.
    public static func connect(
        to address: SocketAddress,
        configuration: Configuration = Configuration(),
        on loop: EventLoop = .shared
    ) async throws -> UDPSocket {
        try configuration.validate()
        guard address.port != 0 else { throw UVError.invalidArgument.with(context: "connect to \(address): port 0") }
        let core = UDPCore(loop: loop, family: address.family, configuration: configuration)
        return try await core.perform { () throws -> UDPSocket in
            do {
                try core.initialize()
                try applyBufferSizes(core)
                // connect(2) alone binds implicitly, and Linux forgets an implicit binding on
                // disconnect. So learn the local address the route chooses, then bind it for good.
                try core.connect(address)
                let local = try core.localAddress()
                try core.connect(nil)
                let result = local.withSockAddr { sockaddr, _ in uv_udp_bind(core.udp, sockaddr, 0) }
                try UVError.check(result, "bind \(local)")
                try core.connect(address)
                try core.startReceiving()
                return UDPSocket(core: core, localAddress: try core.localAddress())
            } catch {
                core.close()
                throw error
            }
        }
    }

    private static func applyBufferSizes(_ core: UDPCore) throws(UVError) {
        if var size = core.configuration.receiveBufferSize.map(Int32.init) {
            try UVError.check(uv_recv_buffer_size(core.handle, &size), "uv_recv_buffer_size")
        }
        if var size = core.configuration.sendBufferSize.map(Int32.init) {
            try UVError.check(uv_send_buffer_size(core.handle, &size), "uv_send_buffer_size")
        }
    }

    /// The peer the socket is connected to, or nil. The corresponding libuv call is
    /// `uv_udp_getpeername`.
    public var remoteAddress: SocketAddress? { core.state.withLock { $0.peer } }

    /// Connects the socket to `address`: `send(_:)` then sends there, and only datagrams from
    /// there are received. Connecting again replaces the peer.
    /// - Throws: `UVError.invalidArgument` for port 0 or another family; `UVError.closed`.
    /// The corresponding libuv call is `uv_udp_connect`.
    public func connect(to address: SocketAddress) async throws {
        guard address.port != 0 else { throw UVError.invalidArgument.with(context: "connect to \(address): port 0") }
        try await core.perform { [core] () throws -> Void in
            if core.state.withLock({ $0.peer }) != nil { try core.connect(nil) }
            try core.connect(address)
        }
    }

    /// Disconnects a connected socket: it again receives from anyone and sends with
    /// `send(_:to:)`. Disconnecting an unconnected socket is not an error.
    /// - Throws: `UVError.closed`.
    /// The corresponding libuv call is `uv_udp_connect` with a NULL address.
    public func disconnect() async throws {
        try await core.perform { [core] () throws -> Void in
            guard core.state.withLock({ $0.peer }) != nil else {
                if let end = core.state.withLock({ $0.end }) { throw end }
                return
            }
            try core.connect(nil)
        }
    }

    // MARK: Counters

    /// How many datagrams were dropped because the receive queue was full
    /// (`Configuration.receiveQueueLimit`): they arrived, and nobody took them in time.
    public var droppedDatagramCount: Int { core.state.withLock { $0.dropped } }

    /// How many datagrams the socket took from the kernel, including the dropped ones.
    public var receivedDatagramCount: Int { core.state.withLock { $0.received } }

    /// How many received datagrams wait in the queue now.
    public var queuedDatagramCount: Int { core.state.withLock { $0.queue.count } }

    // MARK: Sending

    /// Sends `bytes` as one datagram to `destination` and returns once libuv has sent it.
    ///
    /// The socket tries `uv_udp_try_send` first and queues a copy with `uv_udp_send` only when
    /// the socket would block. A datagram is sent whole or the call throws; an empty datagram is
    /// a valid datagram.
    ///
    /// ```swift
    /// try await socket.send(Array("ping".utf8), to: server)
    /// ```
    ///
    /// ## Cancellation
    /// A cancelled send returns `CancellationError` at once; the datagram may still go.
    /// - Throws: `UVError.messageTooLong` above 65,507 bytes (IPv4) or 65,527 (IPv6), before
    ///   libuv is called; `UVError.invalidArgument` for port 0 or a destination of the other
    ///   family; `UV_EISCONN` for another destination on a connected socket; `UVError.closed`;
    ///   libuv's error.
    /// The corresponding libuv calls are `uv_udp_try_send` and `uv_udp_send`.
    @inlinable
    public func send(_ bytes: some Collection<UInt8>, to destination: SocketAddress) async throws {
        // Inlined, a datagram the socket takes at once is sent in the caller's async frame.
        if try core.sendNow(bytes, to: destination) { return }
        try await core.sendQueued(bytes, to: destination)
    }

    /// Sends `bytes` as one datagram to the address written in `destination`, such as
    /// `"127.0.0.1:9000"` or `"[::1]:9000"`; see `send(_:to:)`.
    /// - Throws: `UVError.malformedAddress` when `destination` is not an IP address with port;
    ///   `UVError.portOutOfRange`; as `send(_:to:)`.
    @inlinable
    public func send(_ bytes: some Collection<UInt8>, to destination: String) async throws {
        try await send(bytes, to: try SocketAddress(parsing: destination))
    }

    /// Sends `bytes` as one datagram to the connected peer; see `send(_:to:)`.
    /// - Throws: `UVError.notConnected` when the socket is not connected; as `send(_:to:)`.
    /// The corresponding libuv calls are `uv_udp_try_send` and `uv_udp_send`.
    @inlinable
    public func send(_ bytes: some Collection<UInt8>) async throws {
        if try core.sendNow(bytes, to: nil) { return }
        try await core.sendQueued(bytes, to: nil)
    }

    // MARK: Receiving

    /// Waits for the next datagram and returns it with its sender.
    ///
    /// ## Cancellation
    /// A cancelled receive takes nothing: a datagram that arrives meanwhile stays queued.
    /// - Throws: `UVError.closed` once the socket is closed; a receive error libuv reported
    ///   (thrown once); `CancellationError`.
    /// The corresponding libuv call is `uv_udp_recv_start`.
    public func receive() async throws -> Datagram {
        try await core.receive()
    }

    /// Waits for the next datagram and copies it into `buffer`.
    ///
    /// A datagram longer than the buffer fills it and the rest is discarded, as UDP does:
    /// `isTruncated` says so.
    ///
    /// ## Cancellation
    /// A cancelled receive takes nothing.
    /// - Returns: the bytes copied, the sender, and whether the datagram was truncated.
    /// - Throws: as `receive()`.
    @inlinable
    public func receive(into buffer: UnsafeMutableRawBufferPointer) async throws -> DatagramInfo {
        // Inlined, a datagram already queued is taken in the caller's async frame.
        if let info = try core.receiveNow(into: buffer) { return info }
        return try await core.receiveWaiting(into: buffer)
    }

    /// Waits for the next datagram and copies it into the start of `buffer`, whose size stays;
    /// see `receive(into:)` above.
    public func receive(into buffer: inout [UInt8]) async throws -> DatagramInfo {
        while true {
            if let info = try buffer.withUnsafeMutableBytes({ try core.receiveNow(into: $0) }) { return info }
            try await core.waitUntilReceivable()
        }
    }

    // MARK: Closing

    /// Closes the socket; pending receives and sends end with `UVError.closed`, and queued
    /// datagrams are discarded. Closing twice is not an error. The corresponding libuv call is
    /// `uv_close`.
    public func close() async {
        await core.close()
    }
}

extension UDPSocket: CustomStringConvertible {
    public var description: String {
        if let peer = remoteAddress { return "UDPSocket(\(localAddress) -> \(peer))" }
        return "UDPSocket(\(localAddress))"
    }
}
