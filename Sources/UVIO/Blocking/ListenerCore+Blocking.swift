// Accepting from a plain thread: the thread waits on a `ThreadSignal` in the acceptors list.
extension ListenerCore {
    /// Blocks the calling thread until a connection is accepted, and takes it.
    /// - Throws: `UVError.wrongThread` on the loop's thread; `UVError.timedOut` once `deadline`
    ///   (in `uv_hrtime` nanoseconds) passes; `UVError.closed` once the listener is closed.
    func acceptBlocking(deadline: UInt64?) throws -> TCPStream {
        guard !loop.inEventLoop else { throw UVError.wrongThread.with(context: "blocking accept on a loop thread") }
        while true {
            if let stream = try tryTake() { return stream }
            let signal = ThreadSignal()
            let id = state.withLock { state -> UInt64? in
                // Checked under the lock that `acceptOne` takes to wake acceptors: no wake-up is missed.
                if !state.accepted.isEmpty || state.end != nil { return nil }
                return state.acceptors.add(.signal(signal))
            }
            guard let id else { continue }
            if !signal.wait(deadline: deadline) {
                guard state.withLock({ $0.acceptors.remove(id) }) == nil else { throw UVError.timedOut }
                signal.wait()  // woken just as the deadline passed: take the post, then look again
            }
        }
    }
}
