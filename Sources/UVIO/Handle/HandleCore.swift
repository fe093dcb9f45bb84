internal import CLibUV

/// The owner of one libuv handle: it allocates the handle's memory, keeps itself alive while
/// libuv may call back, and frees the memory only in the `uv_close` callback.
///
/// Lifecycle, as in libuv: init → start → stop → `uv_close(handle, close_cb)`. Subclasses add
/// the handle's own state and override `handleDidClose()`.
///
/// ## Threading
/// Every method runs on the loop thread of `loop`.
@usableFromInline
class HandleCore: LoopResource, @unchecked Sendable {
    // Safe: all mutable state here is touched only on `loop`'s thread (asserted in debug builds).

    let loop: EventLoop
    /// The handle's memory, sized for the concrete handle type (`uv_tcp_t`, `uv_udp_t`, ...).
    let rawHandle: UnsafeMutableRawPointer
    /// Whether `uv_close` has been called.
    private(set) var isClosing = false
    /// The error that pending operations get when the handle closes: `UVError.closed`, or
    /// `UVError.loopShutDown` when the loop's shutdown closed it.
    var closeReason = UVError.closed
    /// Whether the close callback has run.
    private(set) var isClosed = false
    private var isInitialized = false
    /// Called once the handle has closed.
    private var closeWaiters: [() -> Void] = []

    var handle: UnsafeMutablePointer<uv_handle_t> { rawHandle.assumingMemoryBound(to: uv_handle_t.self) }

    init(loop: EventLoop, size: Int) {
        self.loop = loop
        rawHandle = .allocate(byteCount: size, alignment: 16)
    }

    /// Call right after a successful `uv_*_init`: registers with the loop (so shutdown closes the
    /// handle) and lets libuv's callbacks find `self`, which stays retained until `close_cb`.
    func didInitialize() throws(UVError) {
        assert(loop.inEventLoop)
        isInitialized = true
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
        do {
            try loop.register(self)
        } catch {
            close()
            throw error
        }
    }

    deinit {
        // An initialised handle frees its memory in the close callback; an uninitialised one here.
        if !isInitialized { rawHandle.deallocate() }
    }

    /// Closes the handle and calls `completion` once libuv has let go of it (at once if it has).
    func close(then completion: @escaping () -> Void) {
        assert(loop.inEventLoop)
        if isClosed || !isInitialized { return completion() }
        closeWaiters.append(completion)
        close()
    }

    /// Starts closing the handle; `handleDidClose()` runs once libuv has let go of it.
    func close() {
        assert(loop.inEventLoop)
        guard isInitialized, !isClosing else { return }
        isClosing = true
        willClose()
        uv_close(handle) { handle in
            HandleCore.didClose(handle!)
        }
    }

    private static func didClose(_ handle: UnsafeMutablePointer<uv_handle_t>) {
        let core = Unmanaged<HandleCore>.fromOpaque(handle.pointee.data).takeRetainedValue()
        core.isClosed = true
        core.loop.deregister(core)
        core.handleDidClose()
        let waiters = core.closeWaiters
        core.closeWaiters = []
        for waiter in waiters { waiter() }
        UnsafeMutableRawPointer(handle).deallocate()
    }

    /// Closes with a TCP reset (`uv_tcp_close_reset`) instead of an orderly close.
    func closeWithReset() {
        assert(loop.inEventLoop)
        guard isInitialized, !isClosing else { return }
        isClosing = true
        willClose()
        let result = uv_tcp_close_reset(rawHandle.assumingMemoryBound(to: uv_tcp_t.self)) { handle in
            HandleCore.didClose(handle!)
        }
        if result < 0 {
            // Not a connected TCP socket (or already shut down for writing): close normally.
            isClosing = false
            close()
        }
    }

    /// Called just before `uv_close`: fail or finish pending operations here.
    func willClose() {}

    /// Called from the close callback, after libuv has released the handle.
    func handleDidClose() {}

    func closeForShutdown() {
        closeReason = .loopShutDown
        close()
    }

    /// Closes from any thread and waits until libuv has released the handle. Closing twice is not
    /// an error.
    func close() async {
        await withHandOff { (continuation: HandOff<Void, Never>) in
            do {
                try onLoop { [self] in close { continuation.resume() } }
            } catch {
                continuation.resume()  // the loop has shut down, and closed the handle with it
            }
        }
    }

    /// Starts closing from any thread without waiting; used when a user-facing value is dropped.
    /// If the loop has shut down, it has closed the handle already.
    func closeSoon() {
        try? onLoop { [self] in close() }
    }

    /// Runs `body` on the loop thread: at once when already there, else as a job.
    /// - Throws: `UVError.loopShutDown` when the loop no longer takes jobs.
    func onLoop(_ body: @escaping @Sendable () -> Void) throws(UVError) {
        if loop.inEventLoop { body() } else { try loop.execute(body) }
    }
}

extension HandleCore {
    /// Runs `body` on the loop thread and returns its result to the calling task.
    /// - Throws: what `body` throws; `UVError.loopShutDown` when the loop takes no more jobs.
    func perform<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        if loop.inEventLoop { return try body() }
        return try await withThrowingHandOff { continuation in
            do {
                try loop.execute { continuation.resume(with: Result { try body() }) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
