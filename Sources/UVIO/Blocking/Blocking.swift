
/// The machinery of the blocking façade: run work on the loop, block the calling thread until it
/// finishes.
///
/// Every blocking call first refuses the loop's own thread (`checkThread`): blocking there would
/// stop the loop that has to finish the work, a deadlock.
enum Blocking {
    /// Throws `UVError.wrongThread` when the calling thread is `loop`'s thread.
    static func checkThread(_ loop: EventLoop, _ call: String) throws(UVError) {
        if loop.inEventLoop {
            throw UVError.wrongThread.with(context: "\(call) blocks; it cannot run on the event loop's thread")
        }
    }

    /// Runs `body` as a task on `loop` (not on the cooperative pool, so a caller that blocks a pool
    /// thread cannot starve it) and blocks the calling thread until the task finishes or
    /// `deadline` (in `uv_hrtime` nanoseconds) passes.
    /// - Throws: what `body` throws; `UVError.timedOut` once `deadline` passes, after cancelling
    ///   the task.
    static func run<R: Sendable>(
        on loop: EventLoop,
        deadline: UInt64? = nil,
        _ body: @escaping @Sendable () async throws -> R
    ) throws -> R {
        let completion = Completion<R>()
        let task = Task(executorPreference: loop) {
            do {
                completion.finish(.success(try await body()))
            } catch {
                completion.finish(.failure(error))
            }
        }
        do {
            return try completion.wait(deadline: deadline)
        } catch UVError.timedOut {
            task.cancel()
            throw UVError.timedOut
        }
    }

    /// A deadline `milliseconds` from now, or nil for 0 (no time limit).
    static func deadline(milliseconds: Int) -> UInt64? {
        milliseconds == 0 ? nil : EventLoop.deadline(after: .milliseconds(milliseconds))
    }

    /// Checks a timeout in milliseconds: 0 (none) or more.
    static func checkTimeout(_ milliseconds: Int, _ what: String) throws(UVError) {
        guard milliseconds >= 0 else {
            throw UVError.invalidArgument.with(context: "\(what) \(milliseconds) ms is negative; 0 means no timeout")
        }
    }

    /// Checks a size or count: 0 or more.
    static func checkSize(_ size: Int, _ what: String) throws(UVError) {
        guard size >= 0 else { throw UVError.limitExceeded.with(context: "\(what) \(size) is negative") }
    }
}

extension Blocking {
    /// A result that one thread (usually the loop) delivers and another blocks for.
    final class Completion<R: Sendable>: Sendable {
        private let result = LockedValue<Result<R, any Error>?>(nil)
        private let signal = ThreadSignal()

        /// Delivers the result; only the first delivery counts.
        func finish(_ value: Result<R, any Error>) {
            let first = result.withLock { result -> Bool in
                guard result == nil else { return false }
                result = value
                return true
            }
            if first { signal.post() }
        }

        /// Blocks until the result arrives and returns it.
        /// - Throws: the delivered error; `UVError.timedOut` once `deadline` passes first.
        func wait(deadline: UInt64?) throws -> R {
            guard signal.wait(deadline: deadline) else { throw UVError.timedOut }
            return try result.withLock { $0! }.get()
        }
    }
}
