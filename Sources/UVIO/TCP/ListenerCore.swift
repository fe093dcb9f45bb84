internal import CLibUV
import DequeModule

/// The state machine of a listening TCP handle: accepted connections wait in a bounded queue
/// until someone takes them.
///
/// When the queue is full the core stops calling `uv_accept`; libuv then stops watching the
/// socket and the kernel's backlog absorbs new connections, until a taker makes room.
///
/// ## Threading
/// libuv runs on the loop thread; `state` is behind a mutex so acceptors on any thread can take
/// connections without a hop.
final class ListenerCore: HandleCore, @unchecked Sendable {
    // Safe: `state` is a LockedValue; `kernelHasPending`, `callbackAcceptor` and the handle are
    // loop-thread only.

    struct State {
        var accepted = Deque<TCPStream>()
        var acceptors = WaiterList()
        /// Why accepting has ended, once it has.
        var end: UVError?
        /// Errors that did not end the listener (such as running out of descriptors), counted.
        var transientErrors = 0
    }

    let state = LockedValue(State())
    let queueLimit: Int

    /// The acceptors' list, as `suspendAsWaiter` names it.
    enum Acceptors: WaiterListSelector {
        static func withList<R>(in state: inout State, _ body: (inout WaiterList) -> R) -> R { body(&state.acceptors) }
    }
    /// libuv announced a connection that we have not `uv_accept`ed because the queue was full.
    private var kernelHasPending = false
    /// The callback façade's acceptor, while one is installed. Loop thread only.
    var callbackAcceptor: CallbackAcceptor?

    init(loop: EventLoop, queueLimit: Int) {
        self.queueLimit = queueLimit
        super.init(loop: loop, size: TCPHandle.size)
    }

    /// Starts listening; connections are accepted into the queue as they arrive.
    func listen(backlog: Int32) throws(UVError) {
        let result = uv_listen(CLibUV_stream(rawHandle), backlog) { server, status in
            let core = Unmanaged<ListenerCore>.fromOpaque(server!.pointee.data).takeUnretainedValue()
            core.connectionArrived(status: status)
        }
        try UVError.check(result, "uv_listen")
    }

    private func connectionArrived(status: Int32) {
        guard status >= 0 else { return acceptFailed(UVError(code: status)) }
        if state.withLock({ $0.accepted.count >= queueLimit }) {
            kernelHasPending = true
            return
        }
        acceptOne()
    }

    private func acceptOne() {
        let client = StreamCore(loop: loop, size: TCPHandle.size)
        do {
            try TCPHandle.initialize(client)
            try UVError.check(uv_accept(CLibUV_stream(rawHandle), CLibUV_stream(client.rawHandle)), "uv_accept")
            let stream = try TCPStream(connected: client)
            let waiters = state.withLock { state in
                state.accepted.append(stream)
                return state.acceptors.takeAll()
            }
            waiters.wake()
        } catch {
            client.close()
            acceptFailed(error)
        }
    }

    /// Errors that a busy server meets and survives are counted; others end accepting.
    private func acceptFailed(_ error: UVError) {
        let transient: Set<UVError> = [
            .tooManyOpenFiles, UVError(code: UV_ENFILE.rawValue), UVError(code: UV_ENOBUFS.rawValue),
            UVError(code: UV_ENOMEM.rawValue), UVError(code: UV_ECONNABORTED.rawValue),
            .connectionReset, .notConnected,
        ]
        let waiters = state.withLock { state in
            if transient.contains(error) {
                state.transientErrors += 1
                return WaiterBatch()
            }
            if state.end == nil { state.end = error }
            return state.acceptors.takeAll()
        }
        waiters.wake()
    }

    /// Takes an accepted connection, if one waits. Any thread.
    func tryTake() throws(UVError) -> TCPStream? {
        let taken = try state.withLock { state throws(UVError) -> (TCPStream?, Bool) in
            if let stream = state.accepted.popFirst() {
                return (stream, state.accepted.count == queueLimit - 1)
            }
            if let end = state.end { throw end }
            return (nil, false)
        }
        if taken.1 {
            // The queue was full: accept what libuv may be holding back.
            try? onLoop { [self] in
                guard kernelHasPending, !isClosing else { return }
                kernelHasPending = false
                acceptOne()
            }
        }
        return taken.0
    }

    /// Waits for a connection and takes it.
    nonisolated(nonsending) func accept() async throws -> TCPStream {
        while true {
            if let stream = try tryTake() { return stream }
            try await suspendAsWaiter(on: state, Acceptors.self, loop: loop) { state in
                !state.accepted.isEmpty || state.end != nil
            }
        }
    }

    var transientErrorCount: Int { state.withLock { $0.transientErrors } }

    // MARK: Closing

    override func willClose() {
        let (streams, waiters) = state.withLock { state in
            if state.end == nil { state.end = closeReason }
            // Swap the queue out rather than copy it: copying an empty Deque writes the standard
            // library's shared empty-array storage, which ThreadSanitizer reports across loops.
            var streams = Deque<TCPStream>()
            swap(&streams, &state.accepted)
            return (streams, state.acceptors.takeAll())
        }
        // Connections nobody took are closed, not leaked.
        for stream in streams { stream.core.close() }
        waiters.wake()
    }
}
