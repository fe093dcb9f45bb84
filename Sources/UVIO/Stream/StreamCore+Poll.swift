import Synchronization

// The poll façade over the stream core: one non-blocking attempt each, and a waker stored in
// the core's waiter lists when the attempt cannot make progress. Correct from any thread;
// normally called on the loop thread by `FutureExecutor`.
extension StreamCore {
    /// Copies buffered bytes into `buffer`, or stores the waker in `readers`.
    func pollRead(_ context: inout Context, into buffer: UnsafeMutableRawBufferPointer) throws -> Poll<Int> {
        guard buffer.count > 0 else { return .ready(0) }
        let copied = try tryConsume(registering: context.waker) { copyAvailable($0, into: buffer) }
        return copied.map { .ready($0) } ?? .pending
    }

    /// Hands `bytes` to the write queue, or stores the waker in `writers` while the queue is at
    /// its watermark.
    func pollWrite(_ context: inout Context, _ bytes: UnsafeRawBufferPointer) throws -> Poll<Int> {
        guard !bytes.isEmpty else { return .ready(0) }
        let waker = context.waker
        let onLoopThread = loop.inEventLoop
        let accepted = try state.withLock { state throws(UVError) -> Bool in
            if let end = state.writeEnd { throw end }
            guard state.queuedWriteBytes < writeWatermark else {
                state.writers.register(waker)
                return false
            }
            // From another thread the bytes are counted now, so that writers there feel the
            // back-pressure before the loop runs the write; the job takes the count off again.
            if !onLoopThread { state.queuedWriteBytes += bytes.count }
            return true
        }
        guard accepted else { return .pending }
        if onLoopThread {
            // writeEnd was looked at above, under the lock, and changes only on this thread.
            if case .done(let error?) = submit(bytes, completion: .none) { throw error }
            return .ready(bytes.count)
        }
        let copy = [UInt8](bytes)
        do {
            try loop.execute { [self] in
                state.withLock { $0.queuedWriteBytes -= copy.count }
                copy.withUnsafeBytes { write($0, completion: .none) }
                wakeWriteWaitersIfDrained()
            }
        } catch {
            state.withLock { $0.queuedWriteBytes -= copy.count }
            throw error
        }
        return .ready(bytes.count)
    }

    /// Wakes poll-style writers and flushers when the queue is below its watermark or empty
    /// (after a write from another thread was taken off the count). Loop thread.
    private func wakeWriteWaitersIfDrained() {
        let (writers, flushers) = state.withLock { state in
            (state.queuedWriteBytes < writeWatermark ? state.writers.takeAll() : WaiterBatch(),
             state.queuedWriteBytes == 0 ? state.flushers.takeAll() : WaiterBatch())
        }
        writers.wake()
        flushers.wake()
    }

    /// Ready once the write queue is empty; throws the write side's error, unless the write side
    /// was only shut down on purpose.
    func pollFlush(_ context: inout Context) throws -> Poll<Void> {
        let waker = context.waker
        return try state.withLock { state throws(UVError) -> Poll<Void> in
            if state.isClosed, let end = state.writeEnd { throw end }
            guard state.queuedWriteBytes == 0 else {
                state.flushers.register(waker)
                return .pending
            }
            if let end = state.writeEnd, !state.writeShutDown { throw end }
            return .ready(())
        }
    }

    /// The first poll starts `shutdownWrite(completion:)`; later polls are ready once it has
    /// completed. A shutdown started by another façade counts as done.
    func pollShutdown(_ context: inout Context) throws -> Poll<Void> {
        enum Step {
            case start(PollShutdown)
            case pending
            case done(UVError?)
        }
        let waker = context.waker
        let step = state.withLock { state -> Step in
            if let current = state.pollShutdown {
                guard let result = current.result else {
                    current.waker = waker
                    return .pending
                }
                state.pollShutdown = nil
                return .done(result)
            }
            if state.isClosed { return .done(state.writeEnd) }
            if state.writeShutDown { return .done(nil) }
            let started = PollShutdown(waker: waker)
            state.pollShutdown = started
            return .start(started)
        }
        switch step {
        case .pending:
            return .pending
        case .done(let error):
            if let error { throw error }
            return .ready(())
        case .start(let record):
            do {
                try onLoop { [self] in
                    shutdownWrite { error in
                        let waker = self.state.withLock { _ in record.finish(error) }
                        waker?.wake()
                    }
                }
            } catch {
                state.withLock { $0.pollShutdown = nil }
                throw error
            }
            // On the loop thread a shutdown that fails at once has completed already.
            return try pollShutdown(&context)
        }
    }
}

/// A shutdown started by `pollShutdown`, until a poll has seen its result.
final class PollShutdown: @unchecked Sendable {
    // Safe: read and written only under the stream core's `state` lock.
    /// nil while running; then the error, or `.some(nil)` for success.
    var result: UVError??
    var waker: Waker?

    init(waker: Waker) { self.waker = waker }

    /// Records the result; returns the waker to wake outside the lock.
    func finish(_ error: UVError?) -> Waker? {
        result = .some(error)
        defer { waker = nil }
        return waker
    }
}

extension WaiterList {
    /// Stores a poll-style waker, replacing an earlier registration of the same waker rather
    /// than adding a second one: a future polled again while it waits registers once.
    mutating func register(_ waker: Waker) {
        // Ids from `reserveID()` count up from 1 and never reach the top bit.
        let id = (1 << 63) | waker.id
        if !isEmpty { _ = remove(id) }  // usually empty: the last wake took every waiter
        add(.waker(waker), id: id)
    }
}
