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

extension EventLoop: TaskExecutor, SerialExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if !enqueue(.task(job)) {
            // The loop has closed: run the job elsewhere rather than leave its task suspended
            // forever. Whatever it awaits from this loop fails with `UVError.loopShutDown`.
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(complexEquality: self)
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
}
