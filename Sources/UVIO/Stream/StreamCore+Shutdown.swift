internal import CLibUV

// Half-close and close, with completions for every façade.
extension StreamCore {
    /// Shuts down the write side once queued writes are sent (`uv_shutdown`); the peer then reads
    /// end of stream. Shutting down twice is not an error. Loop thread only.
    func shutdownWrite(completion: @escaping (UVError?) -> Void) {
        assert(loop.inEventLoop)
        let earlier = state.withLock { state -> UVError?? in
            if state.writeShutDown { return .some(nil) }
            if let end = state.writeEnd { return .some(end) }
            state.writeShutDown = true
            state.writeEnd = UVError.brokenPipe.with(context: "the write side is shut down")
            return .none
        }
        writeEnded = true
        if let earlier { return completion(earlier) }
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(ShutdownCompletion(completion)).toOpaque()
        let result = uv_shutdown(request, stream) { request, status in
            let completion = Unmanaged<ShutdownCompletion>.fromOpaque(request!.pointee.data).takeRetainedValue()
            request!.deallocate()
            completion.body(status < 0 ? UVError(code: status) : nil)
        }
        if result < 0 {
            Unmanaged<ShutdownCompletion>.fromOpaque(request.pointee.data).release()
            request.deallocate()
            completion(UVError(code: result))
        }
    }

    /// Shuts down the write side from any thread and waits for it.
    func shutdownWrite() async throws {
        try await withThrowingHandOff { (continuation: HandOff<Void, any Error>) in
            do {
                try onLoop { [self] in
                    shutdownWrite { error in
                        if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                    }
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// Carries a shutdown request's completion through libuv's `data` pointer.
private final class ShutdownCompletion {
    let body: (UVError?) -> Void
    init(_ body: @escaping (UVError?) -> Void) { self.body = body }
}
