internal import CLibUV

/// A value behind a lock: how UVIO shares state between threads.
///
/// The lock is one 32-bit word (`CLibUV_lock`): an uncontended lock and unlock are one atomic
/// instruction each, inlined, where a pthread mutex costs two library calls; a contended lock
/// spins briefly, then sleeps on a futex. The standard library's `Mutex` would be as cheap, but
/// ThreadSanitizer cannot see its futex and reports every access under it as a race; this lock
/// tells the sanitizer what it orders, which keeps the sanitizer runs in CI meaningful.
final class LockedValue<Value>: @unchecked Sendable {
    // Safe: `value` is read and written only inside `withLock`, while `word` is held.
    private let word = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    /// The lock already makes every access exclusive, so the runtime's exclusivity check (an
    /// access-set insertion per `withLock`) is left out.
    @exclusivity(unchecked) private var value: Value

    init(_ value: Value) {
        self.value = value
        word.initialize(to: 0)
    }

    deinit {
        word.deallocate()
    }

    /// Runs `body` with exclusive access to the value. Never suspend or block inside it.
    @inline(__always)
    func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        CLibUV_lock(word)
        defer { CLibUV_unlock(word) }
        return try body(&value)
    }
}
