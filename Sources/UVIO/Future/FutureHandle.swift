
/// The result of a future spawned with `FutureExecutor.spawn(_:on:)`: the counterpart of
/// Tokio's `JoinHandle`.
///
/// ```swift
/// let handle = FutureExecutor.spawn(WriteAll(stream, bytes), on: stream.loop)
/// _ = try await handle.value
/// ```
public final class FutureHandle<Output: Sendable>: SpawnedHandle {
    private enum State {
        case running(continuations: [HandOff<Output, any Error>], signals: [ThreadSignal])
        case finished(Result<Output, any Error>)
    }

    private let state = LockedValue(State.running(continuations: [], signals: []))
    private let canceller = LockedValue<(@Sendable () -> Void)?>(nil)

    @usableFromInline
    init() {}

    /// The future's output, once it has finished.
    ///
    /// - Throws: the future's error; `CancellationError` after `cancel()`; `UVError.loopShutDown`
    ///   when the loop closed before the future finished.
    ///
    /// ## Cancellation
    /// Cancelling the awaiting task does not stop the future, as with `Task.value`; call
    /// `cancel()` for that.
    public var value: Output {
        get async throws {
            try await withThrowingHandOff { continuation in
                let result = state.withLock { state -> Result<Output, any Error>? in
                    switch state {
                    case .finished(let result):
                        return result
                    case .running(var continuations, let signals):
                        continuations.append(continuation)
                        state = .running(continuations: continuations, signals: signals)
                        return nil
                    }
                }
                if let result { continuation.resume(with: result) }
            }
        }
    }

    /// Whether the future has finished (with a value, an error or by cancellation).
    public var isFinished: Bool {
        state.withLock { if case .finished = $0 { true } else { false } }
    }

    /// Stops the future: it is dropped on its loop without being polled again, and `value` throws
    /// `CancellationError`. Does nothing once the future has finished.
    ///
    /// ## Cancellation
    /// What the future had done stays done: bytes it read are consumed, bytes it handed to a
    /// stream are sent.
    public func cancel() {
        canceller.withLock { $0 }?()
    }

    @usableFromInline
    func setCanceller(_ body: @escaping @Sendable () -> Void) {
        canceller.withLock { $0 = body }
    }

    /// Blocks the calling thread until the future has finished.
    func wait() throws -> Output {
        let signal = ThreadSignal()
        let result = state.withLock { state -> Result<Output, any Error>? in
            switch state {
            case .finished(let result):
                return result
            case .running(let continuations, var signals):
                signals.append(signal)
                state = .running(continuations: continuations, signals: signals)
                return nil
            }
        }
        if let result { return try result.get() }
        signal.wait()
        return try state.withLock { state -> Result<Output, any Error> in
            guard case .finished(let result) = state else { preconditionFailure("woken before the future finished") }
            return result
        }.get()
    }

    @usableFromInline
    func fail(_ error: any Error) {
        finish(.failure(error))
    }

    /// Records the result once and wakes whoever waits.
    @usableFromInline
    func finish(_ result: Result<Output, any Error>) {
        let waiting = state.withLock { state -> ([HandOff<Output, any Error>], [ThreadSignal])? in
            guard case .running(let continuations, let signals) = state else { return nil }
            state = .finished(result)
            return (continuations, signals)
        }
        guard let (continuations, signals) = waiting else { return }
        canceller.withLock { $0 = nil }
        for continuation in continuations { continuation.resume(with: result) }
        for signal in signals { signal.post() }
    }
}
