import Synchronization

/// A spawned future on its loop: what `FutureExecutor.spawn(_:on:)` creates.
///
/// The task is not generic: the future lives in memory it does not type, and the two closures
/// that know the future's type come from `spawn`, specialised where it was called. The cycle
/// task → waker → task is broken when the future finishes or is cancelled.
@usableFromInline
final class FutureTask: LoopRunnable, @unchecked Sendable {
    // Safe: `isFinished` and `context` are touched only on the loop thread (in `run`,
    // `cancelOnLoop`; `deinit` runs after the last reference is gone); `scheduled` is atomic;
    // the rest is immutable, and `handle` is thread-safe. Being loop-thread only, the variables
    // skip the runtime's exclusivity check.
    @usableFromInline typealias PollFuture = (UnsafeMutableRawPointer, inout Context) -> Bool
    @usableFromInline typealias DropFuture = (UnsafeMutableRawPointer) -> Void

    private let loop: EventLoop
    /// The future, polled in place.
    private let future: UnsafeMutableRawPointer
    /// Polls the future once; when it has ended, deinitialises it, finishes the handle and
    /// returns true.
    private let pollFuture: PollFuture
    /// Deinitialises the future.
    private let dropFuture: DropFuture
    private let handle: any SpawnedHandle
    /// A poll is queued and has not started: further wakes need not queue another.
    private let scheduled = Atomic<Bool>(false)
    /// The future was dropped (finished or cancelled); `future` is deinitialised.
    @exclusivity(unchecked) private var isFinished = false
    /// The context of every poll, made once: its waker holds the task (the lists that store the
    /// waker keep it alive), and passing it in place costs no retain per poll.
    @exclusivity(unchecked) private var context: Context?

    @usableFromInline
    init(loop: EventLoop, future: UnsafeMutableRawPointer, handle: some SpawnedHandle,
         poll: @escaping PollFuture, drop: @escaping DropFuture) {
        self.loop = loop
        self.future = future
        self.handle = handle
        pollFuture = poll
        dropFuture = drop
    }

    deinit {
        if !isFinished { dropFuture(future) }
        future.deallocate()
    }

    /// Lets the handle cancel the task and queues its first poll.
    @usableFromInline
    func start() {
        handle.setCanceller { [self] in cancel() }
        schedule()
    }

    /// Queues one poll on the loop, unless one is queued already.
    func schedule() {
        guard !scheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // From the loop thread this is the local queue: no lock, no uv_async_send.
        // Queued as itself, so a wake allocates nothing.
        if !loop.enqueue(.runnable(self)) {
            // The loop has closed: nobody will ever poll the future again.
            handle.fail(UVError.loopShutDown)
        }
    }

    func runOnLoop() {
        // Cleared before polling, so that a wake during the poll queues the next one.
        scheduled.store(false, ordering: .releasing)
        guard !isFinished else { return }
        if context == nil { context = Context(waker: Waker { [self] in schedule() }) }
        if pollFuture(future, &context!) { ended() }
    }

    /// Drops the future without polling it again; from any thread.
    private func cancel() {
        try? loop.execute { [self] in
            guard !isFinished else { return }
            dropFuture(future)
            ended()
            handle.fail(CancellationError())
        }
    }

    private func ended() {
        isFinished = true
        context = nil
    }
}

/// What a task needs of its `FutureHandle` apart from the output's type.
@usableFromInline
protocol SpawnedHandle: AnyObject, Sendable {
    func setCanceller(_ body: @escaping @Sendable () -> Void)
    /// Finishes with `error`, unless finished already.
    func fail(_ error: any Error)
}
