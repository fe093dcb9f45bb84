internal import CLibUV
import DequeModule
import Synchronization

/// One libuv loop (`uv_loop_t`) running on a thread of its own.
///
/// Every libuv call for a handle happens on the thread of the loop that owns the handle. Work from
/// other threads reaches the loop through `execute(_:)`, a queue that wakes the loop with at most
/// one `uv_async_send` per batch of jobs; work submitted from the loop thread itself goes to a
/// local queue, drained in the same loop iteration, with no lock and no wake-up.
///
/// `EventLoop` is also a Swift concurrency executor (see `EventLoop+Executor.swift`): a task
/// started with `Task(executorPreference: loop)` runs on the loop thread, so I/O completions resume
/// it without a thread hop.
///
/// ```swift
/// let loop = EventLoop()
/// try loop.execute { print("on the loop thread") }
/// try await loop.shutdown()
/// ```
///
/// ## Threading
/// All public methods may be called from any thread, except that `shutdown` and
/// `syncShutdown` refuse the loop's own thread.
public final class EventLoop: @unchecked Sendable {
    // Safe: `localJobs`, `timers`, `resources` and every uv handle are touched only on the loop
    // thread (they are set up in `init` before the thread starts, and pthread_create orders that).
    // `startupError` is written only in `init`, before the loop is shared.
    // State shared with other threads is `inbox` (a `LockedValue`) and the atomics.

    /// Lifecycle of a loop. Jobs are accepted while running or shutting down; closed rejects them.
    enum State {
        case running
        /// Handles are being closed; jobs still run so that pending operations can finish.
        case shuttingDown
        /// The thread has exited and `uv_loop_close` ran.
        case closed
    }

    /// What other threads share with the loop thread.
    struct Inbox {
        var jobs = Deque<Job>()
        /// A wake-up has been sent and not yet consumed: later jobs join that batch.
        var wakeScheduled = false
        var state = State.running
    }

    /// The loop's name, also its thread's name.
    public let name: String

    let uvLoop: UnsafeMutablePointer<uv_loop_t>
    let wakeup: UnsafeMutablePointer<uv_async_t>
    let drainCheck: UnsafeMutablePointer<uv_check_t>
    let drainIdle: UnsafeMutablePointer<uv_idle_t>
    let timerHandle: UnsafeMutablePointer<uv_timer_t>
    /// The buffer libuv reads into for every stream on this loop (one read callback runs at a
    /// time); the stream core copies what arrived out of it. 256 KiB, not the usual 64 KiB: a
    /// stream then needs fewer read and write calls. Streaming 4 GiB through the callback echo
    /// (4 alternating runs): 3.37 GB/s and 120 CPU ticks, against 2.76 and 145 with 64 KiB and
    /// the C reference's 2.95 and 137. One buffer per loop, not per connection.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    /// The loop as actors' serial executor (see EventLoop+Executor.swift).
    let isolation = LoopIsolation()

    let inbox = LockedValue(Inbox())
    /// Threads that decided to call `uv_async_send` and have not returned from it yet.
    let sendersInFlight = Atomic<Int>(0)
    private let threadID = Atomic<UInt>(0)
    /// How many times another thread woke the loop (for tests of the one-wake-up-per-batch rule).
    let wakeupsSent = Atomic<Int>(0)
    let finished = ThreadSignal()
    let closeResult = Atomic<Int32>(0)
    let hasFinished = Atomic<Bool>(false)
    let shutdownWaiters = LockedValue<[HandOff<Void, Never>]>([])

    // Loop-thread state. One thread touches it, one access at a time, so the runtime's
    // exclusivity check (an access-set insertion on every job queued and run) is left out.
    @exclusivity(unchecked) var localJobs = Deque<Job>()
    /// How many jobs of tasks and of actors the loop has run, for the tests of how each kind runs.
    @exclusivity(unchecked) private(set) var jobsRun = (tasks: 0, isolated: 0)
    /// The loop-thread view of `State.closed`, readable without the lock.
    @exclusivity(unchecked) var closedLocally = false
    /// Why libuv could not set the loop up, if it could not; set in `init` only.
    private(set) var startupError: UVError?
    @exclusivity(unchecked) private var spareJobs = Deque<Job>()
    @exclusivity(unchecked) var timers = TimerQueue()
    @exclusivity(unchecked) var resources: [ObjectIdentifier: any LoopResource] = [:]

    /// Creates a loop and starts its thread.
    ///
    /// If libuv cannot set the loop up (`uv_loop_init` and the wake-up handle each need a
    /// descriptor, so a process out of descriptors gets `EMFILE`), the loop starts closed: every
    /// operation fails with `UVError.loopShutDown`, whose context (as `execute(_:)` throws it)
    /// names the cause, and `shutdown()` returns at once.
    /// - Parameter name: the thread's name (Linux keeps the first 15 bytes).
    public init(name: String = "uvio-loop") {
        CLibUV_ignore_sigpipe()
        self.name = name
        uvLoop = .allocate(capacity: 1)
        wakeup = .allocate(capacity: 1)
        drainCheck = .allocate(capacity: 1)
        drainIdle = .allocate(capacity: 1)
        timerHandle = .allocate(capacity: 1)
        isolation.loop = self
        if let error = setUpLibUV() {
            startFailed(error)
            return
        }
        LoopThread.startDetached(name: name) { [self] in run() }
    }

    /// Initialises the libuv loop and the loop's own handles; returns the error of the first step
    /// that failed, with the loop closed again.
    private func setUpLibUV() -> UVError? {
        let loopResult = uv_loop_init(uvLoop)
        guard loopResult == 0 else { return UVError(code: loopResult, context: "uv_loop_init") }
        uvLoop.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        let asyncResult = uv_async_init(uvLoop, wakeup) { handle in EventLoop.from(handle!).drainInbox() }
        guard asyncResult == 0 else {
            uv_loop_close(uvLoop)  // no handle is open yet, so this succeeds
            return UVError(code: asyncResult, context: "uv_async_init")
        }
        uv_check_init(uvLoop, drainCheck)
        uv_check_start(drainCheck) { handle in EventLoop.from(handle!).drainLocal() }
        uv_unref(CLibUV_handle(drainCheck))
        // An active idle handle makes the poll phase return at once; it is started only while
        // local jobs wait, and unreferenced so that it never keeps the loop alive by itself.
        uv_idle_init(uvLoop, drainIdle)
        uv_unref(CLibUV_handle(drainIdle))
        uv_timer_init(uvLoop, timerHandle)
        uv_unref(CLibUV_handle(timerHandle))
        for handle in internalHandles {
            handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        }
        return nil
    }

    /// Leaves a loop that could not start in the closed state, with no thread.
    private func startFailed(_ error: UVError) {
        startupError = error
        inbox.withLock { $0.state = .closed }
        closedLocally = true
        hasFinished.store(true, ordering: .releasing)
        finished.post()
    }

    deinit {
        // Only a loop whose thread has finished can be deinitialised: the thread holds `self`.
        uvLoop.deallocate()
        wakeup.deallocate()
        drainCheck.deallocate()
        drainIdle.deallocate()
        timerHandle.deallocate()
        readBuffer.deallocate()
    }

    /// Whether the calling thread is this loop's thread.
    public var inEventLoop: Bool {
        threadID.load(ordering: .acquiring) == UInt(LoopThread.current)
    }

    /// Runs `work` on the loop thread.
    ///
    /// Jobs submitted from one thread run in the order submitted. From the loop thread itself the
    /// job is queued locally and runs later in the same loop iteration.
    /// - Throws: `UVError.loopShutDown` once the loop has closed (or when it could not start).
    public func execute(_ work: @escaping @Sendable () -> Void) throws(UVError) {
        guard enqueue(.closure(work)) else {
            guard let startupError else { throw .loopShutDown }
            throw UVError.loopShutDown.with(context: "the loop could not start: \(startupError)")
        }
    }

    /// Queues a job; returns false if the loop has closed.
    @discardableResult
    func enqueue(_ job: Job) -> Bool {
        if inEventLoop {
            guard !closedLocally else { return false }
            localJobs.append(job)
            uv_idle_start(drainIdle) { handle in EventLoop.from(handle!).drainLocal() }
            return true
        }
        let (accepted, mustWake) = inbox.withLock { inbox -> (Bool, Bool) in
            guard inbox.state != .closed else { return (false, false) }
            inbox.jobs.append(job)
            if inbox.wakeScheduled { return (true, false) }
            inbox.wakeScheduled = true
            sendersInFlight.add(1, ordering: .relaxed)
            return (true, true)
        }
        if mustWake {
            uv_async_send(wakeup)
            wakeupsSent.add(1, ordering: .relaxed)
            sendersInFlight.subtract(1, ordering: .releasing)
        }
        return accepted
    }

    // MARK: Loop thread

    static func from<Handle>(_ handle: UnsafeMutablePointer<Handle>) -> EventLoop {
        Unmanaged<EventLoop>.fromOpaque(CLibUV_handle(handle).pointee.data).takeUnretainedValue()
    }

    static func from(_ loop: UnsafeMutablePointer<uv_loop_t>) -> EventLoop {
        Unmanaged<EventLoop>.fromOpaque(loop.pointee.data).takeUnretainedValue()
    }

    private func run() {
        threadID.store(UInt(LoopThread.current), ordering: .releasing)
        uv_run(uvLoop, UV_RUN_DEFAULT)
        finishShutdown()
    }

    /// Forgets the thread once it is done, so that a new thread with a recycled id is not taken
    /// for this loop's.
    func forgetThread() {
        threadID.store(0, ordering: .releasing)
    }

    private func drainInbox() {
        inbox.withLock { inbox in
            inbox.wakeScheduled = false
            swap(&inbox.jobs, &spareJobs)
        }
        while let job = spareJobs.popFirst() { run(job) }
    }

    /// Runs the local jobs queued so far. Jobs they queue run on the next pass, so a task that
    /// keeps rescheduling itself cannot starve I/O.
    private func drainLocal() {
        var budget = localJobs.count
        while budget > 0, let job = localJobs.popFirst() {
            run(job)
            budget -= 1
        }
        if localJobs.isEmpty { uv_idle_stop(drainIdle) }
    }

    private func run(_ job: Job) {
        switch job {
        case .closure(let work): work()
        case .runnable(let runnable): runnable.runOnLoop()
        case .task(let task):
            jobsRun.tasks &+= 1
            task.runSynchronously(on: asUnownedTaskExecutor())
        case .isolated(let task):
            jobsRun.isolated &+= 1
            task.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
        }
    }

    // MARK: Resources

    /// Registers a handle owner, so that shutdown closes it. Loop thread only.
    /// - Throws: `UVError.loopShutDown` when the loop is shutting down.
    func register(_ resource: any LoopResource) throws(UVError) {
        assert(inEventLoop)
        guard state == .running else { throw .loopShutDown }
        resources[ObjectIdentifier(resource)] = resource
    }

    /// Forgets a handle owner whose handle has closed. Loop thread only.
    func deregister(_ resource: any LoopResource) {
        resources[ObjectIdentifier(resource)] = nil
    }

    func resourcesSnapshot() -> [any LoopResource] { Array(resources.values) }

    /// The loop's own handles, closed last.
    var internalHandles: [UnsafeMutablePointer<uv_handle_t>] {
        [CLibUV_handle(wakeup), CLibUV_handle(drainCheck), CLibUV_handle(drainIdle), CLibUV_handle(timerHandle)]
    }

    func isInternal(_ handle: UnsafeMutablePointer<uv_handle_t>) -> Bool {
        internalHandles.contains(handle)
    }

    /// Runs every queued job, local and from other threads, including jobs those jobs queue.
    func drainAll() {
        repeat {
            drainInbox()
            while let job = localJobs.popFirst() { run(job) }
        } while !localJobs.isEmpty || !inbox.withLock({ $0.jobs.isEmpty })
    }

    /// Marks the loop closed if no job waits; from then on jobs are refused.
    func markClosedIfIdle() -> Bool {
        inbox.withLock { inbox in
            guard inbox.jobs.isEmpty, localJobs.isEmpty else { return false }
            inbox.state = .closed
            closedLocally = true
            return true
        }
    }

    /// The number of handles UVIO has open on this loop (loop thread only; for tests).
    var openResourceCount: Int { resources.count }

    var state: State { inbox.withLock { $0.state } }
}

/// Something that owns libuv handles on a loop and must close them when the loop shuts down.
protocol LoopResource: AnyObject {
    /// Closes the handles and fails pending operations with `UVError.loopShutDown`. Loop thread only.
    func closeForShutdown()
}
