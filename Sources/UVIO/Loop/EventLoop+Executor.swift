// An event loop is a Swift concurrency executor, so tasks and actors can run on the loop thread
// and be resumed by I/O completions without a thread hop.
//
// Which forms keep code on the loop (see CONTRIBUTING.md, "Executors"):
// - `Task(executorPreference: loop) { ... }` and a task group's `addTask(executorPreference: loop)`:
//   the task's nonisolated code runs on the loop, including every nonisolated async function it
//   calls.
// - An actor whose `unownedExecutor` is the loop: its isolated code runs on the loop.
// - `withTaskExecutorPreference(loop) { ... }`: the closure runs on the loop only when it is
//   nonisolated. The closure inherits the isolation of the code that calls it (`#isolation`),
//   and isolated code runs on its actor's executor, not on the preferred one.
//
// The two roles have two identities. Jobs that reach the loop as a task executor run as
// nonisolated code (`runSynchronously(on:)`), so that a task resumed on the loop goes on at once;
// run as isolated to the loop, every resumption of nonisolated code would be a switch of
// executor, queued again for a later pass. Jobs of actors come through `LoopIsolation`, the
// serial executor that `asUnownedSerialExecutor()` names, and run isolated to the loop.

extension EventLoop: TaskExecutor, SerialExecutor {
    /// Takes a job of a task that prefers this loop (or of a default actor such a task calls).
    public func enqueue(_ job: consuming ExecutorJob) {
        enqueueJob(UnownedJob(job), isolated: false)
    }

    /// The loop as the serial executor of actors: their jobs run isolated to the loop.
    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(complexEquality: isolation)
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    public func isSameExclusiveExecutionContext(other: EventLoop) -> Bool {
        self === other
    }

    public func checkIsolated() {
        precondition(inEventLoop, "expected to run on event loop \(name)")
    }

    public func isIsolatingCurrentContext() -> Bool? {
        inEventLoop
    }

    func enqueueJob(_ job: UnownedJob, isolated: Bool) {
        if !enqueue(isolated ? .isolated(job) : .task(job)) {
            // The loop has closed: run the job elsewhere rather than leave its task suspended
            // forever. Whatever it awaits from this loop fails with `UVError.loopShutDown`.
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }
}
