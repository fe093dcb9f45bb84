// The callback façade: a receive handler and send completions, called on the loop thread.
extension UDPSocket {
    /// Calls `handler` on the loop thread for each datagram received, in order, instead of
    /// queueing them for `receive()`; nil stops calling it and queueing resumes.
    ///
    /// Datagrams already queued go to the handler first. A receive error libuv reports arrives
    /// as `.failure` and receiving goes on; closing the socket calls it once with
    /// `.failure(UVError.closed)` and then forgets it.
    ///
    /// ```swift
    /// try await socket.onReceive { result in
    ///     if case .success(let datagram) = result { print(datagram.bytes.count, "from", datagram.sender) }
    /// }
    /// ```
    ///
    /// - Important: The handler runs on the loop thread: it must not block. A handler that keeps
    ///   the socket alive (by capturing it) keeps it open until `close()`.
    /// - Throws: `UVError.loopShutDown`.
    /// The corresponding libuv call is `uv_udp_recv_start`.
    public func onReceive(_ handler: (@Sendable (Result<Datagram, UVError>) -> Void)?) async throws {
        try await core.perform { [core] in core.setHandler(handler.map { .copying($0) }) }
    }

    /// What a borrowing receive handler gets; see `onReceive(borrowing:)`.
    public enum ReceiveEvent {
        /// One datagram: its bytes, valid only during the call (copy what you keep), and its
        /// count, sender and whether it was truncated.
        case datagram(UnsafeRawBufferPointer, DatagramInfo)
        /// A receive error libuv reported (receiving goes on), or `UVError.closed` once the
        /// socket closes (the handler is not called again).
        case error(UVError)
    }

    /// Like `onReceive(_:)`, but hands each datagram over where libuv received it, without a
    /// copy or an allocation: the bytes are valid only during the call.
    ///
    /// ```swift
    /// try await socket.onReceive(borrowing: { event in
    ///     if case .datagram(let bytes, let info) = event {
    ///         socket.send(bytes, to: info.sender) { _ in }   // echo
    ///     }
    /// })
    /// ```
    ///
    /// - Important: The handler runs on the loop thread: it must not block. Installing it
    ///   replaces a handler of either form; nil removes it.
    /// - Throws: `UVError.loopShutDown`.
    /// The corresponding libuv call is `uv_udp_recv_start`.
    public func onReceive(borrowing handler: (@Sendable (ReceiveEvent) -> Void)?) async throws {
        try await core.perform { [core] in core.setHandler(handler.map { .borrowing($0) }) }
    }

    /// Sends `bytes` as one datagram and calls `completion` on the loop thread once it is sent
    /// (nil) or failed (the error).
    ///
    /// The bytes are used during the call only (sent at once, or copied). Called on the loop
    /// thread, `completion` may run before this method returns. When more than
    /// `Configuration.sendQueueLimit` bytes wait to be sent the datagram fails at once with
    /// `UV_ENOBUFS`, so the queue stays bounded.
    /// - Parameters:
    ///   - bytes: the datagram.
    ///   - destination: where to send; nil for a connected socket's peer.
    ///   - completion: called once with nil or the error (as `send(_:to:)` throws).
    /// The corresponding libuv calls are `uv_udp_try_send` and `uv_udp_send`.
    public func send(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress?,
                     completion: @escaping @Sendable (UVError?) -> Void) {
        core.send(bytes, to: destination, completion: completion)
    }

    /// Sends `bytes` as one datagram; see `send(_:to:completion:)` above.
    public func send(_ bytes: [UInt8], to destination: SocketAddress?,
                     completion: @escaping @Sendable (UVError?) -> Void) {
        bytes.withUnsafeBytes { core.send($0, to: destination, completion: completion) }
    }
}
