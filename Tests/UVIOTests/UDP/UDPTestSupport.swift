@testable import UVIO

/// A one-shot wake-up for manual polling: the waker resumes a suspended test task.
final class WakeSignal: Sendable {
    private let state = LockedValue<(woken: Bool, continuation: CheckedContinuation<Void, Never>?)>((false, nil))

    var waker: Waker { Waker { [self] in wake() } }

    func wake() {
        let continuation = state.withLock { state in
            state.woken = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let woken = state.withLock { state in
                if state.woken { return true }
                state.continuation = continuation
                return false
            }
            if woken { continuation.resume() }
        }
    }
}

/// Polls `future` by hand until it is ready, waiting on its waker between polls.
func pollUntilReady<F: Future>(_ future: inout F) async throws -> F.Output {
    for _ in 0..<100_000 {
        let signal = WakeSignal()
        var context = Context(waker: signal.waker)
        if case .ready(let output) = try future.poll(&context) { return output }
        await signal.wait()
    }
    throw UVError.timedOut.with(context: "future not ready after 100000 polls")
}

/// Runs `body`, failing with `UVError.timedOut` if it takes longer than `limit` on `loop`'s clock.
func withTimeout<R: Sendable>(
    _ limit: Duration, on loop: EventLoop, _ body: @escaping @Sendable () async throws -> R
) async throws -> R {
    try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await loop.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw UVError.timedOut }
        return value
    }
}

/// Waits until `condition` holds, each check one hop through `loop` (so the loop runs I/O in
/// between); bounded, not timed.
func waitUntil(_ loop: EventLoop, _ what: String, _ condition: @escaping @Sendable () -> Bool) async throws {
    for _ in 0..<2_000_000 {
        if condition() { return }
        try await onLoop(loop) {}
    }
    throw UVError.timedOut.with(context: "waiting until \(what)")
}

/// A datagram carrying a sequence number.
func numbered(_ number: Int) -> [UInt8] {
    withUnsafeBytes(of: UInt32(number).bigEndian) { Array($0) }
}

func number(of bytes: [UInt8]) -> Int {
    bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
}
