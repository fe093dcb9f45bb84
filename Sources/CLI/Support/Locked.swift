import Foundation

/// A value behind a lock, shared by a load run's connections.
///
/// Foundation's `NSLock` is a pthread mutex, which ThreadSanitizer sees; the standard library's
/// `Mutex` is a futex it cannot see, so the sanitizer run of the CLI tests would report every
/// access under it as a race.
final class Locked<Value>: @unchecked Sendable {
    // Safe: `value` is read and written only inside `withLock`, while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
