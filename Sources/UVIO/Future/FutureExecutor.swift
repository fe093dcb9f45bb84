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
    @inlinable @discardableResult
    public static func spawn<F: Future>(_ future: sending F, on loop: EventLoop = .shared) -> FutureHandle<F.Output>
    where F.Output: Sendable {
        // Inlinable so that the closures below are specialised for `F` where `spawn` is called:
        // generic code would look up the metadata of `Poll<F.Output>` on every poll.
        let handle = FutureHandle<F.Output>()
        let storage = UnsafeMutablePointer<F>.allocate(capacity: 1)
        storage.initialize(to: future)
        FutureTask(
            loop: loop, future: UnsafeMutableRawPointer(storage), handle: handle,
            poll: { raw, context in
                let future = raw.assumingMemoryBound(to: F.self)
                let result: Result<F.Output, any Error>
                do {
                    guard case .ready(let output) = try future.pointee.poll(&context) else { return false }
                    result = .success(output)
                } catch {
                    result = .failure(error)
                }
                future.deinitialize(count: 1)  // what the future owns goes now, before anyone sees the result
                handle.finish(result)
                return true
            },
            drop: { raw in raw.assumingMemoryBound(to: F.self).deinitialize(count: 1) }
        ).start()
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
