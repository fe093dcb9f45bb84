internal import CLibUV
import DequeModule

/// The state machine of one UDP handle (`uv_udp_t`), shared by every façade: async methods, poll
/// functions, futures and callbacks.
///
/// - Receive side: receiving starts when the socket is created. libuv reads each datagram into
///   the loop's read buffer (or, with batched receive, into a per-socket buffer that
///   `recvmmsg` fills with several); the core copies it into a bounded queue and wakes receivers.
///   When the queue is full the datagram is dropped and counted: UDP has no flow control, so the
///   choice is between dropping here and letting the kernel drop unseen, and here it is counted.
/// - Send side: a send is admitted against `sendQueueLimit` queued bytes, tried with
///   `uv_udp_try_send`, and queued with `uv_udp_send` (on a copy) only when the socket would block.
/// - End state: closed (or the loop shut down); every wait ends with that error.
///
/// ## Threading
/// libuv is called only on the loop thread. `state` is behind a mutex so that receivers on any
/// thread take datagrams without a hop; `batchBuffer` and the handle are loop-thread only.
@usableFromInline
final class UDPCore: HandleCore, @unchecked Sendable {
    // Safe: `state` is a LockedValue; `batchBuffer`, `receiveHandler` and the handle are
    // loop-thread only.

    struct State {
        /// Received datagrams nobody has taken yet, oldest first; at most `receiveQueueLimit`.
        /// Their payloads lie one after another in `payloads`.
        var queue = Deque<DatagramInfo>()
        /// The payloads of `queue`, in order: one buffer for all, so a datagram that arrives
        /// allocates nothing, and one copied out (`receive(into:)`, `pollReceive(_:into:)`) neither.
        var payloads = ReceiveBuffer()
        /// Async receivers waiting for a datagram.
        var receivers = WaiterList()
        /// The waker of the last `pollReceive` that returned pending (one per socket, as Tokio).
        var pollReceiver: Waker?
        /// An error libuv reported while receiving (such as `ECONNREFUSED` on a connected socket
        /// after an ICMP port-unreachable); the next receive throws it once, then receiving goes on.
        var receiveError: UVError?
        /// Why the socket ended (closed, loop shut down): every operation fails with it.
        var end: UVError?
        /// Datagrams taken from the kernel, including those dropped.
        var received = 0
        /// Datagrams dropped because the queue was full.
        var dropped = 0
        /// Bytes (at least 1 per datagram) admitted for sending and not yet sent.
        var queuedSendBytes = 0
        /// Async senders waiting for room under `sendQueueLimit`.
        var senders = WaiterList()
        /// The waker of the last `pollSend` that returned pending.
        var pollSender: Waker?
        /// Async senders waiting for their datagram's completion.
        var sendWaiters = WaiterList()
        /// An error from a poll-style send that completed after `pollSend` returned; the next
        /// `pollSend` throws it.
        var deferredSendError: UVError?
        /// The connected peer (`uv_udp_connect`), if any.
        var peer: SocketAddress?
    }

    let state = LockedValue(State())
    /// The callback façade's handler: while set, datagrams go to it instead of the queue. Loop
    /// thread only, outside `state`: returning a closure out of the generic `withLock` would
    /// allocate reabstraction thunks on every datagram.
    private var receiveHandler: UDPReceiveHandler?
    let family: SocketAddress.Family
    let configuration: UDPSocket.Configuration
    /// With batched receive: the buffer `recvmmsg` fills, `batchChunks` slots of 64 KiB.
    private(set) var batchBuffer: UnsafeMutableRawBufferPointer?
    /// The error pending operations get when the handle closes. Loop thread only.

    /// libuv's slot size for `recvmmsg` (`UV__UDP_DGRAM_MAXSIZE`): it splits the buffer into
    /// `length / 64 KiB` chunks, at most 20 (`UV__MMSG_MAXWIDTH`).
    static let batchSlotSize = 64 * 1024
    static let batchChunks = 8

    var udp: UnsafeMutablePointer<uv_udp_t> { rawHandle.assumingMemoryBound(to: uv_udp_t.self) }

    init(loop: EventLoop, family: SocketAddress.Family, configuration: UDPSocket.Configuration) {
        self.family = family
        self.configuration = configuration
        super.init(loop: loop, size: uv_handle_size(UV_UDP))
    }

    /// `uv_udp_init_ex` with the family (so the socket exists before bind) and, for batched
    /// receive, `UV_UDP_RECVMMSG`. Loop thread only.
    func initialize() throws(UVError) {
        var flags = UInt32(family == .ipv4 ? AF_INET : AF_INET6)
        if configuration.batchedReceive { flags |= UInt32(UV_UDP_RECVMMSG.rawValue) }
        try UVError.check(uv_udp_init_ex(loop.uvLoop, udp, flags), "uv_udp_init_ex")
        try didInitialize()
        if configuration.batchedReceive {
            batchBuffer = .allocate(byteCount: Self.batchSlotSize * Self.batchChunks, alignment: 16)
        }
    }

    // MARK: Receiving (loop thread)

    /// Starts delivering datagrams into the queue. Loop thread only.
    func startReceiving() throws(UVError) {
        let result = uv_udp_recv_start(udp, { handle, _, buffer in
            // The handle's data keeps the core alive while libuv calls back: no retain needed.
            buffer!.pointee = Unmanaged<UDPCore>.fromOpaque(handle!.pointee.data)._withUnsafeGuaranteedRef {
                $0.receiveTarget()
            }
        }, { handle, count, buffer, address, flags in
            Unmanaged<UDPCore>.fromOpaque(handle!.pointee.data)._withUnsafeGuaranteedRef {
                $0.didReceive(count, buffer, address, flags)
            }
        })
        try UVError.check(result, "uv_udp_recv_start")
    }

    /// Where libuv receives next: the socket's batch buffer when it uses `recvmmsg` (libuv splits
    /// it into 64 KiB chunks; it stays ours, so `UV_UDP_MMSG_FREE` frees nothing), else the loop's
    /// read buffer, up to the largest datagram taken.
    private func receiveTarget() -> uv_buf_t {
        if let batch = batchBuffer {
            return uv_buf_t(base: batch.baseAddress!.assumingMemoryBound(to: CChar.self), len: batch.count)
        }
        let readBuffer = loop.readBuffer
        return uv_buf_t(base: readBuffer.baseAddress!.assumingMemoryBound(to: CChar.self),
                        len: min(readBuffer.count, configuration.maximumDatagramSize))
    }

    /// libuv's receive callback. The cases, as `uv.h` defines them:
    /// - `UV_UDP_MMSG_FREE`: the end of a `recvmmsg` batch (count 0, no address); the buffer is
    ///   the socket's own and reused, so nothing is freed. (libuv 1.44 does not send it when
    ///   `recvmmsg` would block, another reason not to free per batch.)
    /// - count < 0: a receive error.
    /// - count == 0 and no address: nothing more to read now — not a datagram.
    /// - count >= 0 with an address: one datagram (0 is an empty datagram); `UV_UDP_PARTIAL`
    ///   means the kernel truncated it to the buffer; `UV_UDP_MMSG_CHUNK` that it is one slot
    ///   of the batch buffer, which must not be freed.
    private func didReceive(_ count: Int, _ buffer: UnsafePointer<uv_buf_t>?, _ address: UnsafePointer<sockaddr>?,
                            _ flags: UInt32) {
        if flags & UInt32(UV_UDP_MMSG_FREE.rawValue) != 0 { return }
        if count < 0 { return receiveFailed(UVError(code: Int32(count), context: "uv_udp_recv")) }
        guard let address, let sender = SocketAddress(address) else { return }
        let length = min(count, configuration.maximumDatagramSize)
        let truncated = flags & UInt32(UV_UDP_PARTIAL.rawValue) != 0 || count > length
        let base = buffer.flatMap { UnsafeRawPointer($0.pointee.base) }
        if let receiveHandler {
            state.withLock { $0.received += 1 }
            let info = DatagramInfo(count: length, sender: sender, isTruncated: truncated)
            return receiveHandler.deliver(UnsafeRawBufferPointer(start: length == 0 ? nil : base, count: length), info)
        }
        let (waiters, waker) = state.withLock { state in
            state.received += 1
            guard state.queue.count < configuration.receiveQueueLimit else {
                // Nobody is taking datagrams: drop the newest and count it, rather than grow.
                state.dropped += 1
                return (WaiterBatch(), Waker?.none)
            }
            state.payloads.append(UnsafeRawBufferPointer(start: length == 0 ? nil : base, count: length))
            state.queue.append(DatagramInfo(count: length, sender: sender, isTruncated: truncated))
            defer { state.pollReceiver = nil }
            return (state.receivers.takeAll(), state.pollReceiver)
        }
        waiters.wake()
        waker?.wake()
    }

    private func receiveFailed(_ error: UVError) {
        if let receiveHandler { return receiveHandler.fail(error) }
        let (waiters, waker) = state.withLock { state in
            state.receiveError = error
            defer { state.pollReceiver = nil }
            return (state.receivers.takeAll(), state.pollReceiver)
        }
        waiters.wake()
        waker?.wake()
    }

    // MARK: Taking datagrams (any thread)

    /// Takes the oldest queued datagram; nil when none waits.
    /// - Throws: a pending receive error (once); the end error once the socket is closed.
    func tryReceive() throws(UVError) -> Datagram? {
        try state.withLock { state throws(UVError) -> Datagram? in try Self.take(&state) }
    }

    static func take(_ state: inout State) throws(UVError) -> Datagram? {
        try takeNext(&state).map { datagram($0, from: &state) }
    }

    /// The datagram `next` describes, its payload consumed from `payloads`.
    private static func datagram(_ next: DatagramInfo, from state: inout State) -> Datagram {
        let bytes = state.payloads.withUnreadBytes { [UInt8]($0[..<next.count]) }
        state.payloads.consume(next.count)
        return Datagram(bytes: bytes, sender: next.sender, isTruncated: next.isTruncated)
    }

    /// The next datagram's description, taken off the queue; its payload is then the first
    /// `count` bytes of `payloads`, which the caller consumes. Throws the socket's end, or a
    /// receive error once the queue is empty.
    static func takeNext(_ state: inout State) throws(UVError) -> DatagramInfo? {
        if let end = state.end { throw end }
        if let next = state.queue.popFirst() { return next }
        if let error = state.receiveError {
            state.receiveError = nil
            throw error
        }
        return nil
    }

    /// Waits (suspending the task) for a datagram and takes it.
    ///
    /// A cancelled wait takes nothing: the datagram stays queued for the next receive.
    func receive() async throws -> Datagram {
        while true {
            if let datagram = try tryReceive() { return datagram }
            try await waitUntilReceivable()
        }
    }

    /// The receivers' and the senders' lists, as `suspendAsWaiter` names them.
    enum Receivers: WaiterListSelector {
        static func withList<R>(in state: inout State, _ body: (inout WaiterList) -> R) -> R { body(&state.receivers) }
    }
    enum Senders: WaiterListSelector {
        static func withList<R>(in state: inout State, _ body: (inout WaiterList) -> R) -> R { body(&state.senders) }
    }

    /// Suspends until a datagram is queued, a receive error is pending or the socket has ended.
    func waitUntilReceivable() async throws {
        try await suspendAsWaiter(on: state, Receivers.self, loop: loop) { state in
            !state.queue.isEmpty || state.receiveError != nil || state.end != nil
        }
    }

    /// Takes a datagram or stores `waker` to be woken when one arrives, in one step under the lock.
    func pollReceive(_ waker: Waker) throws(UVError) -> Datagram? {
        try state.withLock { state throws(UVError) -> Datagram? in
            if let datagram = try Self.take(&state) { return datagram }
            state.pollReceiver = waker
            return nil
        }
    }

    /// Installs (or with nil removes) the callback handler; datagrams already queued go to it
    /// first, in order. Loop thread only, so that the handler's calls never overlap.
    func setHandler(_ handler: UDPReceiveHandler?) {
        assert(loop.inEventLoop)
        let (queued, end) = state.withLock { state -> ([Datagram], UVError?) in
            if let end = state.end { return ([], end) }
            guard handler != nil else { return ([], nil) }
            var queued: [Datagram] = []
            while let next = state.queue.popFirst() { queued.append(Self.datagram(next, from: &state)) }
            return (queued, nil)
        }
        if let end { handler?.fail(end); return }
        receiveHandler = handler
        for datagram in queued { handler?.deliver(datagram) }
    }

    // MARK: Connecting (loop thread)

    /// Connects to `address` (or with nil disconnects). Loop thread only.
    func connect(_ address: SocketAddress?) throws(UVError) {
        if let end = state.withLock({ $0.end }) { throw end }
        if let address {
            let result = address.withSockAddr { sockaddr, _ in uv_udp_connect(udp, sockaddr) }
            try UVError.check(result, "uv_udp_connect \(address)")
        } else {
            try UVError.check(uv_udp_connect(udp, nil), "uv_udp_connect(NULL)")
        }
        state.withLock { $0.peer = address }
    }

    /// The bound address. The corresponding libuv call is `uv_udp_getsockname`. Loop thread only.
    func localAddress() throws(UVError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_udp_getsockname(udp, $0, &length) }
        }
        try UVError.check(result, "uv_udp_getsockname")
        let address = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0) }
        }
        guard let address else { throw UVError.invalidArgument.with(context: "uv_udp_getsockname: not an IP address") }
        return address
    }

    // MARK: Closing (loop thread)

    override func willClose() {
        let (receivers, receiveWaker, senders, sendWaker) = state.withLock { state in
            state.end = closeReason
            state.queue.removeAll()
            state.payloads.reset()
            defer {
                state.pollReceiver = nil
                state.pollSender = nil
            }
            return (state.receivers.takeAll(), state.pollReceiver, state.senders.takeAll(), state.pollSender)
        }
        let handler = receiveHandler
        receiveHandler = nil  // breaks a cycle through a handler that captures the socket
        handler?.fail(closeReason)
        receivers.wake()
        receiveWaker?.wake()
        senders.wake()
        sendWaker?.wake()
        // Sends queued in libuv complete through their callbacks (with UV_ECANCELED) during close.
    }

    override func handleDidClose() {
        batchBuffer?.deallocate()
        batchBuffer = nil
    }

}
