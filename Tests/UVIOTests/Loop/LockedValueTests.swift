#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import UVIO

/// `LockedValue`'s one-word lock (`CLibUV_lock`): its uncontended path is exercised everywhere;
/// these make threads collide, so that the spinning and the futex sleep and wake-up are used.
@Suite("LockedValue", .timeLimit(.minutes(1)))
struct LockedValueTests {
    /// Runs `body` on `count` plain threads; false if they have not all finished within 20 s (a
    /// thread left asleep on the lock), in which case they are left behind.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = (0..<count).map { _ in ThreadSignal() }
        for signal in done {
            LoopThread.startDetached(name: "lock-test") {
                body()
                signal.post()
            }
        }
        let deadline = EventLoop.deadline(after: .seconds(20))
        return done.allSatisfy { $0.wait(deadline: deadline) }
    }

    /// Four threads add 50,000 times each. A lost update shows as a smaller sum; a lost wake-up
    /// as threads that never finish.
    @Test func contendedIncrementsAreNeitherLostNorStuck() {
        let counter = LockedValue(0)
        #expect(onThreads(4) { for _ in 0..<50_000 { counter.withLock { $0 += 1 } } })
        #expect(counter.withLock { $0 } == 200_000)
    }

    /// A holder that yields its core inside the lock makes the others exhaust their spins and
    /// sleep on the futex: each must be woken, and each section runs alone.
    @Test func sleepersAreWokenAndSectionsDoNotOverlap() {
        let state = LockedValue((inside: 0, overlaps: 0, entries: 0))
        let finished = onThreads(4) {
            for _ in 0..<500 {
                state.withLock { state in
                    state.inside += 1
                    if state.inside > 1 { state.overlaps += 1 }
                    state.entries += 1
                    sched_yield()
                    state.inside -= 1
                }
            }
        }
        #expect(finished)
        let final = state.withLock { $0 }
        #expect(final.entries == 2_000)
        #expect(final.overlaps == 0)
    }
}
