
/// A future that sends one datagram and is ready once libuv has sent it: the seed's
/// `send_dgram`, "returning an error if the entire datagram couldn't be sent at once".
///
/// The first poll checks the datagram (size, destination) and hands it to the loop once the send
/// queue has room; later polls report the result. The future keeps its own copy of the bytes.
///
/// ```swift
/// var send = SendDatagram(socket: socket, bytes: Array("ping".utf8), to: server)
/// while case .pending = try send.poll(&context) { await nextWake() }
/// ```
///
/// ## Errors
/// As `UDPSocket.send(_:to:)`.
///
/// ## Cancel safety
/// Dropping the future after its first poll does not stop the datagram; it may still go.
public struct SendDatagram: Future, Sendable {
    /// The socket it sends on.
    public let socket: UDPSocket
    /// The datagram.
    public let bytes: [UInt8]
    /// Where it goes; nil for a connected socket's peer.
    public let destination: SocketAddress?
    private let outcome = SendOutcome()
    private var submitted = false

    /// Creates the future; nothing is sent until it is polled.
    /// - Parameters:
    ///   - socket: the socket to send on.
    ///   - bytes: the datagram.
    ///   - destination: where to send; nil for the connected peer.
    public init(socket: UDPSocket, bytes: [UInt8], to destination: SocketAddress? = nil) {
        self.socket = socket
        self.bytes = bytes
        self.destination = destination
    }

    /// Sends on the first poll; returns `.ready` with the datagram's size once it is sent.
    /// - Throws: as `UDPSocket.send(_:to:)`.
    public mutating func poll(_ context: inout Context) throws -> Poll<Int> {
        if !submitted {
            // Waits for room in the send queue like `pollSend`, then reports through `outcome`.
            let outcome = outcome
            outcome.wait(context.waker)
            submitted = try bytes.withUnsafeBytes { bytes in
                try socket.core.pollSend(bytes, to: destination, waker: context.waker,
                                         completion: .callback { error in outcome.finish(error) })
            }
            guard submitted else { return .pending }
        }
        guard let result = outcome.result(orWait: context.waker) else { return .pending }
        if let error = result { throw error }
        return .ready(bytes.count)
    }
}

/// The result of a callback-style send, shared between the loop and the polling task.
final class SendOutcome: Sendable {
    private let state = LockedValue<(done: Bool, error: UVError?, waker: Waker?)>((false, nil, nil))

    func wait(_ waker: Waker) {
        state.withLock { $0.waker = waker }
    }

    func finish(_ error: UVError?) {
        let waker = state.withLock { state in
            state.done = true
            state.error = error
            defer { state.waker = nil }
            return state.waker
        }
        waker?.wake()
    }

    /// `.some(error or nil)` once finished; nil (after storing `waker`) while pending.
    func result(orWait waker: Waker) -> UVError?? {
        state.withLock { state in
            if state.done { return .some(state.error) }
            state.waker = waker
            return nil
        }
    }
}
