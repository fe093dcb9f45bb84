internal import CLibUV

/// The state machine of one stream handle (`uv_tcp_t` today, `uv_pipe_t` later), shared by
/// every façade: async methods, poll functions, callbacks and the blocking client.
///
/// - Receive side: libuv reads into the loop's read buffer; the core copies each chunk into its
///   `ReceiveBuffer` and wakes readers. Above `highWatermark` buffered bytes it stops reading
///   (`uv_read_stop`); once readers bring it to `lowWatermark` it starts again. When nothing is
///   buffered and the first waiting reader is a `read(into:)`, libuv reads straight into that
///   reader's memory instead (`readTarget`).
/// - Send side: a write first tries `uv_try_write`; what the socket did not take is copied into a
///   `WriteRequest` and queued with `uv_write`.
/// - End states: end of stream, an error, the write side shut down, closed.
///
/// ## Threading
/// libuv is called only on the loop thread. `state` is behind a mutex so that readers on any
/// thread can take bytes without a hop; everything else is loop-thread only.
@usableFromInline
final class StreamCore: HandleCore, @unchecked Sendable {
    // Safe: `state` is a LockedValue; `pendingWrites`, `callbackReader`, `writeEnded`,
    // `callbackSawBufferEmpty` and the handle are loop-thread only.

    /// Why no more bytes will arrive once the buffer is drained.
    enum ReadEnd {
        /// The peer shut down its write side (or we shut down our read side): reads return 0.
        case endOfStream
        /// Reads throw this error after the buffered bytes.
        case failed(UVError)
    }

    struct State {
        var buffer = ReceiveBuffer()
        var readEnd: ReadEnd?
        var readers = WaiterList()
        /// Reading was stopped at the high watermark and must restart at the low one.
        var pausedAtWatermark = false
        /// Why writes fail from now on (shut down, closed, failed).
        var writeEnd: UVError?
        /// The write side was shut down on purpose (so a second shutdown is not an error).
        var writeShutDown = false
        /// A shutdown that `pollShutdown` started and no poll has seen finish yet.
        var pollShutdown: PollShutdown?
        var queuedWriteBytes = 0
        /// Waiting for `queuedWriteBytes` to fall below `writeWatermark` (poll-style writers).
        var writers = WaiterList()
        /// Waiting for `queuedWriteBytes` to reach zero.
        var flushers = WaiterList()
        /// Async writers waiting for their own write to complete.
        var writeWaiters = WaiterList()
        var isClosed = false
    }

    let state = LockedValue(State())
    let highWatermark: Int
    let lowWatermark: Int
    /// Writes queued above this many bytes make poll-style writers wait.
    let writeWatermark: Int
    /// Requests handed to `uv_write` and not yet completed. Loop thread only.
    var pendingWrites = 0
    /// The callback façade's reading handler, while one is installed (`startReading(handler:)`).
    /// Loop thread only.
    var callbackReader: CallbackReader?
    /// The callback reader found the receive buffer empty and nothing was appended since. Only
    /// the loop thread appends, so while this holds the buffer is empty and a chunk can go
    /// straight to the handler without looking under the lock. Loop thread only.
    var callbackSawBufferEmpty = false
    /// `state.writeEnd` is set: a write must look at it under the lock. Only the loop thread sets
    /// `writeEnd`, so while this is false writes on the loop skip the lock. Loop thread only.
    var writeEnded = false
    /// A waiting `read(into:)` whose memory libuv is reading into, between the allocation
    /// callback and the read callback (`readTarget`). Loop thread only.
    private var filling: (continuation: HandOff<Int?, any Error>, buffer: UnsafeMutableRawBufferPointer)?

    var stream: UnsafeMutablePointer<uv_stream_t> { rawHandle.assumingMemoryBound(to: uv_stream_t.self) }

    init(loop: EventLoop, size: Int, highWatermark: Int = 256 * 1024, lowWatermark: Int = 64 * 1024,
         writeWatermark: Int = 256 * 1024) {
        self.highWatermark = highWatermark
        self.lowWatermark = lowWatermark
        self.writeWatermark = writeWatermark
        super.init(loop: loop, size: size)
    }

    // MARK: Reading (loop thread)

    /// Starts delivering bytes into the receive buffer.
    func startReading() {
        assert(loop.inEventLoop)
        guard !isClosing else { return }
        let result = uv_read_start(stream, { handle, _, buffer in
            // The handle's data keeps the core alive while libuv calls back: no retain needed.
            let target = Unmanaged<StreamCore>.fromOpaque(handle!.pointee.data)._withUnsafeGuaranteedRef { $0.readTarget() }
            buffer!.pointee = uv_buf_t(base: target.baseAddress!.assumingMemoryBound(to: CChar.self),
                                       len: min(target.count, Int(Int32.max)))
        }, { stream, count, buffer in
            Unmanaged<StreamCore>.fromOpaque(stream!.pointee.data)._withUnsafeGuaranteedRef {
                $0.didRead(count, UnsafeRawPointer(buffer!.pointee.base))
            }
        })
        if result < 0 { finishReading(.failed(UVError(code: result, context: "uv_read_start"))) }
    }

    /// Where libuv reads next: the memory of a `read(into:)` that waits first in line with
    /// nothing buffered (taken out of the waiter list under the lock, so that neither its
    /// cancellation nor its timeout can end the wait while libuv writes into its memory), else
    /// the loop's read buffer. libuv calls the read callback right after, whatever the read gave.
    private func readTarget() -> UnsafeMutableRawBufferPointer {
        if callbackReader == nil {
            filling = state.withLock { state in
                guard state.buffer.isEmpty, state.readEnd == nil else { return nil }
                return state.readers.claimFirstFilling()
            }
            if let filling { return filling.buffer }
        }
        return loop.readBuffer
    }

    private func didRead(_ count: Int, _ base: UnsafeRawPointer?) {
        if let reader = filling {
            // The bytes (if any) are in the reader's memory: hand over their count. Otherwise it
            // looks again, after a failure or end of stream has been recorded below.
            filling = nil
            if count > 0 { return reader.continuation.resume(returning: count) }
            didRead(count, nil)
            return reader.continuation.resume(returning: nil)
        }
        if count > 0 {
            let bytes = UnsafeRawBufferPointer(start: base, count: count)
            // The callback façade takes the bytes straight from the loop's read buffer, without a
            // copy, unless bytes buffered before its handler was installed still wait: those go
            // first, so these join them in the buffer, in order.
            if let callbackReader, callbackSawBufferEmpty || state.withLock({ $0.buffer.isEmpty }) {
                return callbackReader.deliver(bytes)
            }
            callbackSawBufferEmpty = false
            let (waiters, pause) = state.withLock { state in
                state.buffer.append(bytes)
                var pause = false
                if state.buffer.count >= highWatermark, !state.pausedAtWatermark {
                    state.pausedAtWatermark = true
                    pause = true
                }
                return (state.readers.takeAll(), pause)
            }
            // Prevent unbounded buffering when nobody reads: wait for readers to catch up.
            if pause { uv_read_stop(stream) }
            waiters.wake()
        } else if count == Int(UV_EOF.rawValue) {
            // After a short read libuv reports a hang-up (POLLHUP) as UV_EOF without calling
            // read(2) again, so a reset would pass for an orderly close: ask the socket.
            finishReading(pendingSocketError().map { .failed($0) } ?? .endOfStream)
        } else if count < 0 {
            uv_read_stop(stream)
            finishReading(.failed(UVError(code: Int32(count))))
        }
        // count == 0 is EAGAIN: nothing to do, and certainly not end of stream.
    }

    /// The error the socket holds (`SO_ERROR`), if any; nil for pipes and files.
    private func pendingSocketError() -> UVError? {
        var fd = uv_os_fd_t()
        guard uv_fileno(handle, &fd) == 0 else { return nil }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error != 0 else { return nil }
        return UVError(code: -error)
    }

    /// Records why reading ended and wakes the readers.
    func finishReading(_ end: ReadEnd) {
        let waiters = state.withLock { state in
            if state.readEnd == nil { state.readEnd = end }
            return state.readers.takeAll()
        }
        waiters.wake()
    }

    /// Restarts reading after readers drained the buffer to the low watermark.
    func resumeReading() {
        assert(loop.inEventLoop)
        startReading()
    }

    // MARK: Closing (loop thread)

    override func willClose() {
        let (readers, writers, flushers) = state.withLock { state in
            state.isClosed = true
            state.buffer.reset()
            state.readEnd = .failed(closeReason)
            state.writeEnd = closeReason
            return (state.readers.takeAll(), state.writers.takeAll(), state.flushers.takeAll())
        }
        writeEnded = true
        readers.wake()
        writers.wake()
        flushers.wake()
        // Writes queued in libuv complete through their callbacks (with UV_ECANCELED) during close.
    }

}
