internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

extension EventLoop {
    /// The process-wide loop, started lazily on first use on a background thread.
    ///
    /// APIs that take a loop default to this one. It lives as long as the process and cannot be
    /// shut down; create your own `EventLoop` or `EventLoopGroup` when you need to.
    public static let shared = EventLoop(name: "uvio-shared")

    /// Closes every handle on the loop, fails pending operations, stops the thread and closes the
    /// libuv loop.
    ///
    /// Operations still pending (reads, writes, accepts, sleeps) finish with
    /// `UVError.loopShutDown` or `UVError.closed`; scheduled closures that have not fired are
    /// dropped. Calling it again waits for the first call to finish.
    ///
    /// It may be called from any task, even one running on this loop's thread: it suspends rather
    /// than blocks, and the task resumes elsewhere once the loop has closed.
    /// - Throws: `UVError.invalidArgument` for `EventLoop.shared`; the code of `uv_loop_close` if
    ///   the loop could not be closed.
    public func shutdown() async throws(UVError) {
        try beginShutdown(blocking: false)
        await withHandOff { (continuation: HandOff<Void, Never>) in
            let done = shutdownWaiters.withLock { waiters in
                if hasFinished.load(ordering: .acquiring) { return true }
                waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        try checkCloseResult()
    }

    /// Shuts the loop down like `shutdown()`, blocking the calling thread until it is done.
    /// - Throws: as `shutdown()`, and `UVError.wrongThread` from the loop's own thread, which would
    ///   otherwise wait for itself forever.
    public func syncShutdown() throws(UVError) {
        try beginShutdown(blocking: true)
        finished.wait()
        finished.post()  // wake the next waiter, if any
        try checkCloseResult()
    }

    private func checkCloseResult() throws(UVError) {
        let result = closeResult.load(ordering: .acquiring)
        if result != 0 { throw UVError(code: result, context: "uv_loop_close") }
    }

    private func beginShutdown(blocking: Bool) throws(UVError) {
        guard self !== EventLoop.shared else {
            throw UVError.invalidArgument.with(context: "EventLoop.shared lives as long as the process")
        }
        guard !(blocking && inEventLoop) else { throw .wrongThread }
        let first = inbox.withLock { inbox in
            guard inbox.state == .running else { return false }
            inbox.state = .shuttingDown
            return true
        }
        if first { enqueue(.closure { [self] in closeEverything() }) }
    }

    /// First step, on the loop thread: close every handle so that `uv_run` can return.
    private func closeEverything() {
        for resource in resourcesSnapshot() { resource.closeForShutdown() }
        timers.cancelAll(loop: self)
        uv_timer_stop(timerHandle)
        uv_unref(CLibUV_handle(wakeup))
        // Anything a bug left open would keep the loop alive forever; close it regardless.
        uv_walk(uvLoop, { handle, argument in
            let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeUnretainedValue()
            if uv_is_closing(handle) == 0, !loop.isInternal(handle!) { uv_close(handle, nil) }
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Last step, on the loop thread once `uv_run` has returned: run what is left, close the
    /// loop's own handles and the loop, then wake whoever waits.
    func finishShutdown() {
        while true {
            drainAll()
            if uv_loop_alive(uvLoop) != 0 {
                uv_run(uvLoop, UV_RUN_DEFAULT)
                continue
            }
            if markClosedIfIdle() { break }
        }
        // A thread that decided to wake us before `closed` may still be inside uv_async_send.
        while sendersInFlight.load(ordering: .acquiring) > 0 { sched_yield() }
        for handle in internalHandles { uv_close(handle, nil) }
        uv_run(uvLoop, UV_RUN_DEFAULT)
        closeResult.store(uv_loop_close(uvLoop), ordering: .releasing)
        forgetThread()
        let waiters = shutdownWaiters.withLock { waiters in
            hasFinished.store(true, ordering: .releasing)
            defer { waiters = [] }
            return waiters
        }
        finished.post()
        for waiter in waiters { waiter.resume() }
    }
}
