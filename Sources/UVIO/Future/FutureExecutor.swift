import Synchronization

/// Runs poll-style futures on an event loop: the counterpart of `tokio::spawn` and `block_on`.
///
/// A spawned future becomes a task that lives on the loop: the loop polls it, and when it returns
/// `.pending` the poll functions it called keep the task's waker. Waking re-schedules one poll
/// of the task on its loop; many wakes before that poll still give one poll.
///
/// ```swift
/// let handle = FutureExecutor.spawn(ReadExact(stream, [UInt8](repeating: 0, count: 5)), on: stream.loop)
/// let (stream, bytes) = try await handle.value
/// ```
///
/// ## Threading
/// `spawn` may be called from any thread, including the loop's own (from inside another future).
/// The future is polled only on the loop thread. `blockOn` blocks its caller and refuses the
/// loop's own thread.
public enum FutureExecutor {
    /// Starts polling `future` on `loop` and returns a handle to its result.
    ///
    /// Spawn a future on the loop of the streams it uses: poll functions are then called on that
    /// loop's thread, and every wake-up stays on it (a local queue, no lock, no system call).
    ///
    /// - Parameters:
    ///   - future: the future to run; it moves to the loop and is polled only there.
    ///   - loop: the loop that polls it.
    /// - Returns: a handle whose `value` is the future's output or error. The future runs whether
    ///   or not anyone awaits the handle; `FutureHandle.cancel()` stops it.
    @discardableResult
    public static func spawn<F: Future>(_ future: sending F, on loop: EventLoop = .shared) -> FutureHandle<F.Output>
    where F.Output: Sendable {
        let handle = FutureHandle<F.Output>()
        let task = FutureTask(future, loop: loop, handle: handle)
        let scheduled: ScheduledTask = task
        handle.setCanceller { scheduled.cancel() }
        task.schedule()
        return handle
    }

    /// Runs `future` on `loop` and blocks the calling thread until it has finished.
    ///
    /// - Parameters:
    ///   - future: the future to run.
    ///   - loop: the loop that polls it.
    /// - Returns: the future's output.
    /// - Throws: the future's error; `UVError.wrongThread` when called on `loop`'s own thread,
    ///   which would wait for itself forever; `UVError.loopShutDown` if the loop shuts down first.
    ///
    /// ## Threading
    /// Call it from a plain thread (or a test), never from a loop thread or an async task that
    /// must not block.
    public static func blockOn<F: Future>(_ future: sending F, on loop: EventLoop = .shared) throws -> F.Output
    where F.Output: Sendable {
        guard !loop.inEventLoop else {
            throw UVError.wrongThread.with(context: "blockOn on the thread of the loop that polls the future")
        }
        return try spawn(future, on: loop).wait()
    }
}

/// The scheduling half of a spawned future's task, apart from the future's type so that the
/// closures that schedule it capture no generic type.
class ScheduledTask: LoopRunnable, @unchecked Sendable {
    // Safe: `scheduled` is atomic; `loop` is immutable; subclasses touch their state on the loop.
    let loop: EventLoop
    /// A poll is queued and has not started: further wakes need not queue another.
    private let scheduled = Atomic<Bool>(false)

    init(loop: EventLoop) {
        self.loop = loop
    }

    /// Queues one poll on the loop, unless one is queued already.
    final func schedule() {
        guard !scheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // From the loop thread this is the local queue: no lock, no uv_async_send.
        // Queued as itself, so a wake allocates nothing.
        if !loop.enqueue(.runnable(self)) { loopClosed() }
    }

    final func runOnLoop() {
        // Cleared before polling, so that a wake during the poll queues the next one.
        scheduled.store(false, ordering: .releasing)
        run()
    }

    /// A waker that schedules this task. It holds the task strongly: the waiter lists that store
    /// it must keep the task alive.
    final func makeWaker() -> Waker {
        Waker { [self] in schedule() }
    }

    /// Drops the future without polling it again; from any thread.
    final func cancel() {
        try? loop.execute { [self] in cancelOnLoop() }
    }

    /// Polls the future once. Loop thread.
    func run() {}
    /// Drops the future, finishing with `CancellationError`. Loop thread.
    func cancelOnLoop() {}
    /// The loop closed before the task finished.
    func loopClosed() {}
}

/// A spawned future and where its result goes.
///
/// The cycle task → waker → task is broken when the future finishes or is cancelled.
final class FutureTask<F: Future>: ScheduledTask, @unchecked Sendable where F.Output: Sendable {
    // Safe: `future`, `isFinished` and `waker` are touched only on the loop thread (in `run`,
    // `cancelOnLoop` and `deinit`); `handle` is thread-safe. Being loop-thread only, the
    // variables skip the runtime's exclusivity check.
    /// The future, polled in place: an optional stored property would be copied out and back on
    /// every poll by this unspecialised generic code (two retains and releases per poll).
    private let future: UnsafeMutablePointer<F>
    /// The future was dropped (finished or cancelled); `future` is deinitialised.
    @exclusivity(unchecked) private var isFinished = false
    @exclusivity(unchecked) private var waker: Waker?
    private let handle: FutureHandle<F.Output>

    init(_ future: sending F, loop: EventLoop, handle: FutureHandle<F.Output>) {
        self.future = .allocate(capacity: 1)
        self.future.initialize(to: future)
        self.handle = handle
        super.init(loop: loop)
    }

    deinit {
        if !isFinished { future.deinitialize(count: 1) }
        future.deallocate()
    }

    override func run() {
        guard !isFinished else { return }
        if waker == nil { waker = makeWaker() }
        var context = Context(waker: waker!)
        do {
            guard case .ready(let output) = try future.pointee.poll(&context) else { return }
            finish(.success(output))
        } catch {
            finish(.failure(error))
        }
    }

    override func cancelOnLoop() {
        guard !isFinished else { return }
        finish(.failure(CancellationError()))
    }

    override func loopClosed() {
        // Nobody will ever poll the future again.
        handle.finish(.failure(UVError.loopShutDown))
    }

    private func finish(_ result: Result<F.Output, any Error>) {
        isFinished = true
        future.deinitialize(count: 1)  // what the future owns goes now, though wakers may keep the task
        waker = nil
        handle.finish(result)
    }
}
