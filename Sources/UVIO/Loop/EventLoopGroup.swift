#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A fixed set of event loops, handed out round-robin.
///
/// A server usually binds its listener on one loop and spreads accepted connections over the
/// group with `next()`.
///
/// ```swift
/// let group = EventLoopGroup()          // one loop per core
/// let loop = group.next()
/// try await group.shutdown()
/// ```
public final class EventLoopGroup: Sendable {
    /// The loops, in the order `next()` visits them.
    public let loops: [EventLoop]
    private let cursor = Atomic<Int>(0)

    /// Creates `loopCount` loops, each on its own thread.
    /// - Parameter loopCount: how many loops; by default one per online core.
    /// - Throws: `UVError.limitExceeded` when `loopCount` is less than 1.
    public init(loopCount: Int = EventLoopGroup.coreCount, name: String = "uvio-group") throws(UVError) {
        guard loopCount >= 1 else {
            throw UVError.limitExceeded.with(context: "loopCount \(loopCount) must be at least 1")
        }
        loops = (0..<loopCount).map { EventLoop(name: "\(name)-\($0)") }
    }

    /// The number of online cores.
    public static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// The next loop, round-robin.
    public func next() -> EventLoop {
        let index = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[index % loops.count]
    }

    /// Shuts every loop down; see `EventLoop.shutdown()`.
    /// - Throws: the first error any loop's shutdown threw, after all have been shut down.
    public func shutdown() async throws(UVError) {
        var firstError: UVError?
        for loop in loops {
            do { try await loop.shutdown() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }

    /// Shuts every loop down, blocking the calling thread.
    public func syncShutdown() throws(UVError) {
        var firstError: UVError?
        for loop in loops {
            do { try loop.syncShutdown() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}
