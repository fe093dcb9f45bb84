// The poll façade: Tokio's `poll_send_to` and `poll_recv_from`, for hand-written futures.
extension UDPSocket {
    /// Hands `bytes` to the socket as one datagram to `destination`, or returns `.pending` and
    /// stores the context's waker when the send queue is full (`Configuration.sendQueueLimit`).
    ///
    /// `.ready(count)` means the datagram is handed over whole. Called on the loop thread the
    /// send is tried at once with `uv_udp_try_send` and its error is thrown now; from another
    /// thread the datagram is copied to the loop, and an error found there is thrown by the
    /// next `pollSend`. Use `SendDatagram` to wait for the send itself.
    /// - Parameters:
    ///   - context: the polling task's context.
    ///   - bytes: the datagram.
    ///   - destination: where to send; nil for a connected socket's peer.
    /// - Returns: `.ready` with the datagram's size, or `.pending`.
    /// - Throws: as `send(_:to:)`, checked before anything is sent.
    /// The corresponding libuv calls are `uv_udp_try_send` and `uv_udp_send`.
    public func pollSend(_ context: inout Context, _ bytes: UnsafeRawBufferPointer,
                         to destination: SocketAddress? = nil) throws -> Poll<Int> {
        try core.pollSend(bytes, to: destination, waker: context.waker) ? .ready(bytes.count) : .pending
    }

    /// Takes the next received datagram, or returns `.pending` and stores the context's waker
    /// until one arrives.
    /// - Returns: `.ready` with the datagram, or `.pending`.
    /// - Throws: `UVError.closed` once the socket is closed; a receive error libuv reported.
    /// The corresponding libuv call is `uv_udp_recv_start`.
    public func pollReceive(_ context: inout Context) throws -> Poll<Datagram> {
        if let datagram = try core.pollReceive(context.waker) { return .ready(datagram) }
        return .pending
    }

    /// Takes the next received datagram into `buffer`, or returns `.pending` and stores the
    /// context's waker until one arrives. A datagram longer than `buffer` is truncated (and
    /// reported so); nothing of it stays queued.
    /// - Returns: `.ready` with the bytes copied, the sender and whether it was truncated.
    /// - Throws: as `pollReceive(_:)`.
    public func pollReceive(_ context: inout Context, into buffer: UnsafeMutableRawBufferPointer)
        throws -> Poll<DatagramInfo>
    {
        if let info = try core.pollReceive(context.waker, into: buffer) { return .ready(info) }
        return .pending
    }
}
