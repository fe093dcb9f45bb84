#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A value behind a pthread mutex: the lock UVIO uses for state shared between threads.
///
/// The standard library's `Mutex` would serve, but on Linux it is built on a futex that
/// ThreadSanitizer cannot see, so the sanitizer reports every access under it as a race. A
/// pthread mutex is visible to it, which keeps the sanitizer runs in CI meaningful.
final class LockedValue<Value>: @unchecked Sendable {
    // Safe: `value` is read and written only inside `withLock`, while `mutex` is held.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// The mutex already makes every access exclusive, so the runtime's exclusivity check (an
    /// access-set insertion per `withLock`) is left out.
    @exclusivity(unchecked) private var value: Value

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value. Never suspend or block inside it.
    @inline(__always)
    func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
