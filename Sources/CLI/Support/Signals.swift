import Dispatch
import Foundation

/// SIGINT and SIGTERM, caught so that a server can stop cleanly instead of dying mid-write.
///
/// Creating it ignores the signals' default actions (a signal then only fires the dispatch
/// source); create it before announcing the server, so that a signal sent as soon as the
/// announcement is read is caught. `wait()` returns the first signal's number.
final class TerminationSignal: @unchecked Sendable {
    // Safe: `continuation`, `received` and `sources` are read and written only while `lock` is held.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Int32, Never>?
    private var received: Int32?
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "uvio.signals")

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in fire(number) }
            lock.withLock { sources.append(source) }
            source.resume()
        }
    }

    /// Waits for SIGINT or SIGTERM and returns its number.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let earlier = lock.withLock {
                if received == nil { self.continuation = continuation }
                return received
            }
            if let earlier { continuation.resume(returning: earlier) }
        }
    }

    private func fire(_ number: Int32) {
        let continuation = lock.withLock { () -> CheckedContinuation<Int32, Never>? in
            guard received == nil else { return nil }
            received = number
            for source in sources { source.cancel() }
            // A second signal now gets the default action: a stuck stop can still be interrupted.
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume(returning: number)
    }
}
