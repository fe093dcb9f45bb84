internal import CLibUV

// Taking bytes out of the receive buffer, from any thread: async, blocking, or once (poll).
extension StreamCore {
    /// One attempt, under the lock: runs `body` on the buffered bytes (or on no bytes at end of
    /// stream) and consumes what it says. Returns nil when nothing is buffered yet, having stored
    /// `waker` (if given) in `readers` under the same lock, so no chunk can slip in between.
    /// - Throws: the stream's error once the buffer is drained; `limitExceeded` when `body`
    ///   consumes more than it was given.
    func tryConsume<R>(
        registering waker: Waker? = nil,
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: R)
    ) throws -> R? {
        var result: R?  // filled under the lock; R need not be Sendable, so it is not returned through withLock
        let resume = try state.withLock { state throws -> Bool in
            if !state.buffer.isEmpty {
                result = try state.buffer.consume(with: body)
                guard state.pausedAtWatermark, state.buffer.count <= lowWatermark, state.readEnd == nil else {
                    return false
                }
                state.pausedAtWatermark = false
                return true
            }
            switch state.readEnd {
            case nil: if let waker { state.readers.register(waker) }
            case .endOfStream: result = try body(UnsafeRawBufferPointer(start: nil, count: 0)).result
            case .failed(let error): throw error
            }
            return false
        }
        if resume { try? onLoop { [self] in resumeReading() } }
        return result
    }

    /// Waits (suspending the task) until `body` can run, then runs it; see `tryConsume`.
    nonisolated(nonsending) func consumeBuffered<R>(
        deadline: UInt64?,
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: R)
    ) async throws -> R {
        while true {
            if let result = try tryConsume(body) { return result }
            try await waitUntilReadable(deadline: deadline)
        }
    }

    /// The readers' list, as `suspendAsWaiter` names it.
    enum Readers: WaiterListSelector {
        static func withList<R>(in state: inout State, _ body: (inout WaiterList) -> R) -> R { body(&state.readers) }
    }

    /// The half of the streams' `read(into:)` (`CoreBackedStream`) that does not wait: the count
    /// of bytes copied from the receive buffer, 0 at the end of the stream (or for an empty
    /// `buffer`), nil when nothing is buffered yet. Unlike `AsyncBufferedByteReader`'s generic
    /// version, it looks up no tuple metadata at run time.
    @usableFromInline
    func readNow(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        guard buffer.count > 0 else { return 0 }
        return try tryConsume { copyAvailable($0, into: buffer) }
    }

    /// The half of the streams' `read(into:)` that waits, for a caller that found nothing buffered:
    /// it waits first, then copies. `buffer` is not empty.
    ///
    /// While it waits with nothing buffered, libuv may read straight into `buffer`
    /// (`readTarget`): the bytes then skip the receive buffer, and the read returns their count.
    @usableFromInline
    nonisolated(nonsending) func readWaiting(into buffer: UnsafeMutableRawBufferPointer, deadline: UInt64?) async throws -> Int {
        while true {
            let filled = try await suspendAsWaiter(
                on: state, Readers.self, loop: loop, deadline: deadline,
                as: { Waiter.filling($0, buffer) }, ready: nil
            ) { state in
                !state.buffer.isEmpty || state.readEnd != nil
            }
            if let filled { return filled }
            if let copied = try readNow(into: buffer) { return copied }
        }
    }

    /// Waits (blocking the calling thread) until `body` can run, then runs it.
    /// - Throws: `UVError.wrongThread` on a loop thread, where blocking would stop the loop.
    func consumeBufferedBlocking<R>(
        deadline: UInt64?,
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: R)
    ) throws -> R {
        guard !loop.inEventLoop else { throw UVError.wrongThread.with(context: "blocking read on a loop thread") }
        while true {
            if let result = try tryConsume(body) { return result }
            try waitUntilReadableBlocking(deadline: deadline)
        }
    }

    private var isReadable: Bool {
        state.withLock { !$0.buffer.isEmpty || $0.readEnd != nil }
    }

    /// Suspends until bytes are buffered or reading has ended.
    /// - Throws: `CancellationError`; `UVError.timedOut` once `deadline` passes.
    nonisolated(nonsending) func waitUntilReadable(deadline: UInt64?) async throws {
        try await suspendAsWaiter(on: state, Readers.self, loop: loop, deadline: deadline) { state in
            !state.buffer.isEmpty || state.readEnd != nil
        }
    }

    /// Blocks the calling thread until bytes are buffered or reading has ended.
    /// - Throws: `UVError.timedOut` once `deadline` passes.
    func waitUntilReadableBlocking(deadline: UInt64?) throws {
        let signal = ThreadSignal()
        let id = state.withLock { state -> UInt64? in
            if !state.buffer.isEmpty || state.readEnd != nil { return nil }
            return state.readers.add(.signal(signal))
        }
        guard let id else { return }
        if !signal.wait(deadline: deadline) {
            guard state.withLock({ $0.readers.remove(id) }) == nil else { throw UVError.timedOut }
            signal.wait()  // woken just as the deadline passed: take the post
        }
    }

    /// Schedules `body` on the loop at `deadline`; used for read and write timeouts.
    func scheduleWakeUp(deadline: UInt64, _ body: @escaping @Sendable () -> Void) -> Scheduled? {
        let entry = TimerEntry(.closure(body))
        do {
            try loop.add(entry, deadline: deadline)
        } catch {
            body()  // the loop is gone: end the wait now rather than never
            return nil
        }
        return Scheduled(entry: entry)
    }

    /// Stops reading and ends the read side: buffered bytes are dropped, reads return 0.
    func shutdownRead() {
        assert(loop.inEventLoop)
        if !isClosing { uv_read_stop(stream) }
        let waiters = state.withLock { state in
            state.buffer.reset()
            if state.readEnd == nil { state.readEnd = .endOfStream }
            return state.readers.takeAll()
        }
        waiters.wake()
    }
}

