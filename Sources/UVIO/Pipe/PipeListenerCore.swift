internal import CLibUV
import DequeModule

/// The state machine of a listening Unix domain socket: accepted streams wait in a bounded queue
/// until someone takes them. It follows `ListenerCore` (TCP) rule for rule, with pipe handles.
///
/// ## Threading
/// libuv runs on the loop thread; `state` is behind a lock so acceptors on any thread can take
/// streams without a hop.
final class PipeListenerCore: HandleCore, @unchecked Sendable {
    // Safe: `state` is a LockedValue; `kernelHasPending` and the handle are loop-thread only.

    struct State {
        var accepted = Deque<PipeStream>()
        var acceptors = WaiterList()
        /// Why accepting has ended, once it has.
        var end: UVError?
    }

    let state = LockedValue(State())
    let queueLimit: Int

    /// The acceptors' list, as `suspendAsWaiter` names it.
    enum Acceptors: WaiterListSelector {
        static func withList<R>(in state: inout State, _ body: (inout WaiterList) -> R) -> R { body(&state.acceptors) }
    }
    /// libuv announced a connection that we have not `uv_accept`ed because the queue was full.
    private var kernelHasPending = false

    init(loop: EventLoop, queueLimit: Int) {
        self.queueLimit = queueLimit
        super.init(loop: loop, size: PipeHandle.size)
    }

    /// Starts listening; streams are accepted into the queue as they arrive.
    func listen(backlog: Int32) throws(UVError) {
        let result = uv_listen(CLibUV_stream(rawHandle), backlog) { server, status in
            let core = Unmanaged<PipeListenerCore>.fromOpaque(server!.pointee.data).takeUnretainedValue()
            guard status >= 0 else { return core.end(UVError(code: status)) }
            if core.state.withLock({ $0.accepted.count >= core.queueLimit }) {
                core.kernelHasPending = true
            } else {
                core.acceptOne()
            }
        }
        try UVError.check(result, "uv_listen")
    }

    private func acceptOne() {
        let client = StreamCore(loop: loop, size: PipeHandle.size)
        do {
            try PipeHandle.initialize(client)
            try UVError.check(uv_accept(CLibUV_stream(rawHandle), CLibUV_stream(client.rawHandle)), "uv_accept")
        } catch {
            client.close()
            // A client that gave up before we accepted it does not end the listener.
            if error != .connectionReset, error != UVError(code: UV_ECONNABORTED.rawValue) { end(error) }
            return
        }
        let stream = PipeStream(connected: client)
        let waiters = state.withLock { state in
            state.accepted.append(stream)
            return state.acceptors.takeAll()
        }
        waiters.wake()
    }

    private func end(_ error: UVError) {
        let waiters = state.withLock { state in
            if state.end == nil { state.end = error }
            return state.acceptors.takeAll()
        }
        waiters.wake()
    }

    /// Takes an accepted stream, if one waits. Any thread.
    func tryTake() throws(UVError) -> PipeStream? {
        let (stream, wasFull) = try state.withLock { state throws(UVError) -> (PipeStream?, Bool) in
            if let stream = state.accepted.popFirst() { return (stream, state.accepted.count == queueLimit - 1) }
            if let end = state.end { throw end }
            return (nil, false)
        }
        if wasFull {
            // The queue was full: accept what libuv may be holding back.
            try? onLoop { [self] in
                guard kernelHasPending, !isClosing else { return }
                kernelHasPending = false
                acceptOne()
            }
        }
        return stream
    }

    /// Waits for a stream and takes it.
    func accept() async throws -> PipeStream {
        while true {
            if let stream = try tryTake() { return stream }
            try await suspendAsWaiter(on: state, Acceptors.self, loop: loop) { state in
                !state.accepted.isEmpty || state.end != nil
            }
        }
    }

    override func willClose() {
        let (streams, waiters) = state.withLock { state in
            if state.end == nil { state.end = closeReason }
            // Swapped out rather than copied, as ListenerCore does (an empty Deque's copy writes
            // shared storage that ThreadSanitizer reports across loops).
            var streams = Deque<PipeStream>()
            swap(&streams, &state.accepted)
            return (streams, state.acceptors.takeAll())
        }
        // Streams nobody took are closed, not leaked.
        for stream in streams { stream.core.close() }
        waiters.wake()
    }
}
