/// One unit of work for an event loop: a closure, a Swift concurrency job, or an object that knows
/// how to run itself (which, unlike a closure, costs no allocation to queue).
enum Job {
    case closure(@Sendable () -> Void)
    /// A job of a task that prefers the loop as its task executor: it runs as nonisolated code.
    case task(UnownedJob)
    /// A job of an actor whose serial executor is the loop: it runs isolated to the loop.
    case isolated(UnownedJob)
    case runnable(any LoopRunnable)
}

/// An object queued on a loop as itself, so that queuing it allocates nothing: the poll-style
/// task does this on every wake.
protocol LoopRunnable: AnyObject, Sendable {
    /// Runs on the loop thread.
    func runOnLoop()
}
