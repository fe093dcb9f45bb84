/// The serial executor of actors whose `unownedExecutor` is an event loop; see the note in
/// `EventLoop+Executor.swift`: jobs that arrive here run isolated to the loop.
final class LoopIsolation: SerialExecutor, @unchecked Sendable {
    // Safe: `loop` is set once, in `EventLoop.init`, before the loop is shared with another thread;
    // the loop owns this object, so it outlives it.
    unowned(unsafe) var loop: EventLoop!

    func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueueJob(UnownedJob(job), isolated: true)
    }

    func isSameExclusiveExecutionContext(other: LoopIsolation) -> Bool {
        self === other
    }

    func checkIsolated() {
        loop.checkIsolated()
    }

    func isIsolatingCurrentContext() -> Bool? {
        loop.inEventLoop
    }
}
