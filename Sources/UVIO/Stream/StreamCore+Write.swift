internal import CLibUV

// The send side: `uv_try_write` first, then a queued `uv_write` for the rest.
extension StreamCore {
    /// Writes `bytes` in order after earlier writes; calls `completion` once all are written or
    /// the write failed. The bytes are copied if they cannot be sent at once. Loop thread only.
    @inline(__always) @usableFromInline
    func write(_ bytes: UnsafeRawBufferPointer, completion: WriteCompletion) {
        assert(loop.inEventLoop)
        if writeEnded, let error = state.withLock({ $0.writeEnd }) { return complete(completion, error) }
        if case .done(let error) = submit(bytes, completion: completion) { complete(completion, error) }
    }

    /// What became of a write handed to libuv.
    enum Submitted {
        /// Written at once, or failed at once: the caller completes it.
        case done(UVError?)
        /// The rest was copied into a `uv_write` request, whose callback completes it.
        case queued
    }

    /// `uv_try_write` when nothing is queued, then `uv_write` on a copy of what the socket did not
    /// take. It does not look at `writeEnd`: its callers have. Loop thread only.
    @inline(__always)
    func submit(_ bytes: UnsafeRawBufferPointer, completion: WriteCompletion) -> Submitted {
        var written = 0
        if pendingWrites == 0 {
            do { written = try tryWriteNow(bytes) } catch { return .done(error) }
        }
        if written == bytes.count { return .done(nil) }
        return queue(UnsafeRawBufferPointer(rebasing: bytes[written...]), completion: completion)
    }

    /// The rest of `submit`: a `uv_write` request on a copy of `bytes`.
    private func queue(_ bytes: UnsafeRawBufferPointer, completion: WriteCompletion) -> Submitted {
        let request = WriteRequest(copying: bytes, completion: completion)
        request.request.pointee.data = Unmanaged.passRetained(request).toOpaque()
        var buffer = request.buffer
        let result = uv_write(request.request, stream, &buffer, 1) { request, status in
            let writeRequest = Unmanaged<WriteRequest>.fromOpaque(request!.pointee.data).takeRetainedValue()
            Unmanaged<StreamCore>.fromOpaque(request!.pointee.handle.pointee.data)._withUnsafeGuaranteedRef {
                $0.didWrite(writeRequest, status: status)
            }
        }
        guard result >= 0 else {
            Unmanaged<WriteRequest>.fromOpaque(request.request.pointee.data).release()
            return .done(failWrites(UVError(code: result)))
        }
        pendingWrites += 1
        state.withLock { $0.queuedWriteBytes += request.bytes.count }
        return .queued
    }

    /// The half of an async write that does not wait: on the loop thread with nothing queued,
    /// what the socket takes at once; elsewhere 0.
    /// - Throws: the write side's error.
    @usableFromInline
    func writeNow(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        guard loop.inEventLoop, pendingWrites == 0 else { return 0 }
        return try tryWrite(bytes)
    }

    /// Writes what the socket takes at once with `uv_try_write` and returns the count (0 when
    /// the socket is full). Loop thread only, with no write queued.
    private func tryWrite(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        if writeEnded, let error = state.withLock({ $0.writeEnd }) { throw error }
        return try tryWriteNow(bytes)
    }

    /// `uv_try_write`, without looking at `writeEnd`; a failure other than a full socket ends
    /// the write side (`failWrites`).
    @inline(__always)
    private func tryWriteNow(_ bytes: UnsafeRawBufferPointer) throws(UVError) -> Int {
        guard !bytes.isEmpty else { return 0 }
        var buffer = uv_buf_t(base: UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: CChar.self)),
                              len: bytes.count)
        let result = uv_try_write(stream, &buffer, 1)
        if result >= 0 { return Int(result) }
        if result == UV_EAGAIN.rawValue { return 0 }
        throw failWrites(UVError(code: result))
    }

    private func didWrite(_ request: WriteRequest, status: Int32) {
        pendingWrites -= 1
        var error: UVError?
        if status < 0 {
            error = status == UV_ECANCELED.rawValue && isClosing ? closeReason : failWrites(UVError(code: status))
        }
        let (writers, flushers) = state.withLock { state in
            let before = state.queuedWriteBytes
            state.queuedWriteBytes -= request.bytes.count
            let writers = before >= writeWatermark && state.queuedWriteBytes < writeWatermark
                ? state.writers.takeAll() : WaiterBatch()
            let flushers = state.queuedWriteBytes == 0 ? state.flushers.takeAll() : WaiterBatch()
            return (writers, flushers)
        }
        complete(request.completion, error)
        writers.wake()
        flushers.wake()
    }

    /// Records a write error so that later writes fail fast; returns it.
    private func failWrites(_ error: UVError) -> UVError {
        state.withLock { state in
            if state.writeEnd == nil { state.writeEnd = error }
        }
        writeEnded = true
        return error
    }

    @inline(__always)
    func complete(_ completion: WriteCompletion, _ error: UVError?) {
        switch completion {
        case .none: break
        case .waiter(let id): state.withLock { $0.writeWaiters.remove(id) }?.wake(error)
        case .callback(let callback): callback(error)
        }
    }

    /// Writes `bytes` from any thread and suspends until libuv has written them.
    ///
    /// ## Cancellation
    /// A cancelled (or timed-out) write returns at once; its bytes stay queued and are still sent,
    /// in order, so the stream stays consistent.
    @usableFromInline
    nonisolated(nonsending) func write(_ bytes: some Collection<UInt8>, deadline: UInt64?) async throws {
        try await writeOrQueue(bytes, deadline: deadline)
    }

    /// `write(_:deadline:)` for raw bytes. The inlinable `writeAll(_:)` calls this one when the
    /// socket did not take everything at once: the generic version, called from another module,
    /// runs unspecialised (the UDP send's did so on every datagram, looking up type metadata).
    @usableFromInline
    nonisolated(nonsending) func write(_ bytes: UnsafeRawBufferPointer, deadline: UInt64?) async throws {
        try await writeOrQueue(bytes, deadline: deadline)
    }

    @inline(__always)
    private nonisolated(nonsending) func writeOrQueue(_ bytes: some Collection<UInt8>, deadline: UInt64?) async throws {
        // On the loop with nothing queued, the socket usually takes everything at once: then there
        // is nothing to wait for, so skip the continuation and the waiter list.
        var written = 0
        if loop.inEventLoop, pendingWrites == 0 {
            written = try withContiguousBytes(bytes, tryWrite)
            if written == bytes.count { return }
        }
        try await queueWrite(bytes.dropFirst(written), deadline: deadline)
    }

    /// The slow path of `write(_:deadline:)`: hand the bytes to the loop and wait for them.
    private nonisolated(nonsending) func queueWrite(_ bytes: some Collection<UInt8>, deadline: UInt64?) async throws {
        let id = WaiterList.reserveID()
        var timeout: Scheduled?
        defer { timeout?.cancel() }
        try await withCancellationHandler {
            try await withThrowingHandOff { (continuation: HandOff<Void, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if currentTaskIsCancelled { return true }
                    state.writeWaiters.add(.continuation(continuation), id: id)
                    return false
                }
                if cancelled { return continuation.resume(throwing: CancellationError()) }
                if loop.inEventLoop {
                    // The bytes are used only here, synchronously: written, or copied into a request.
                    withContiguousBytes(bytes) { write($0, completion: .waiter(id)) }
                } else {
                    let copy = [UInt8](bytes)
                    do {
                        try loop.execute { [self] in copy.withUnsafeBytes { write($0, completion: .waiter(id)) } }
                    } catch {
                        return complete(.waiter(id), .loopShutDown)
                    }
                }
                if let deadline {
                    timeout = scheduleWakeUp(deadline: deadline) { [self] in
                        state.withLock { $0.writeWaiters.remove(id) }?.wake(UVError.timedOut)
                    }
                }
            }
        } onCancel: {
            state.withLock { $0.writeWaiters.remove(id) }?.wake(CancellationError())
        }
    }
}

/// Calls `body` with the bytes of `bytes` in contiguous memory, copying only when they are not.
@inlinable
func withContiguousBytes<R>(_ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    if let result = try bytes.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return try Array(bytes).withUnsafeBytes(body)
}
