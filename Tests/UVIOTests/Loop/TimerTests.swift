import Testing
@testable import UVIO
internal import CLibUV

@Suite("Timers", .timeLimit(.minutes(1)))
struct TimerTests {
    /// Every deadline counts from one instant, so the order to expect does not depend on how long
    /// the scheduling takes. With `schedule(in:)`, each deadline counted from its own call, and a
    /// loop thread preempted for 5 ms in the parallel suite swapped neighbours.
    @Test func timersFireInDeadlineOrder() async throws {
        try await withLoop { loop in
            let delays = (0..<40).map { $0 * 5 }.shuffled()
            let fired = Locked([Int]())
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                try! loop.execute {
                    let start = uv_hrtime()
                    for delay in delays {
                        let entry = TimerEntry(.closure {
                            let count = fired.withLock { $0.append(delay); return $0.count }
                            if count == delays.count { continuation.resume() }
                        })
                        try! loop.add(entry, deadline: start + UInt64(delay) * 1_000_000)
                    }
                }
            }
            #expect(fired.value == delays.sorted())
        }
    }

    @Test func equalDeadlinesFireInScheduleOrder() async throws {
        try await withLoop { loop in
            let fired = Locked([Int]())
            try await onLoop(loop) {
                for index in 0..<100 { try loop.schedule(in: .milliseconds(5)) { fired.withLock { $0.append(index) } } }
            }
            try await loop.sleep(for: .milliseconds(30))
            #expect(fired.value == Array(0..<100))
        }
    }

    /// Scheduled and cancelled in one job on the loop, so that no timer can fire in between: from
    /// another thread, a 0 ms timer may fire before the cancel that follows it on a busy machine.
    @Test func aCancelledTimerNeverFires() async throws {
        try await withLoop { loop in
            let fired = Locked(Set<Int>())
            let (cancelled, firstCancelsWon, secondCancelsLost) = try await onLoop(loop) {
                var cancelled = Set<Int>()
                var firstCancelsWon = true, secondCancelsLost = true
                for index in 0..<200 {
                    let timer = try loop.schedule(in: .milliseconds(index % 10)) { fired.withLock { _ = $0.insert(index) } }
                    if index.isMultiple(of: 2) {
                        firstCancelsWon = timer.cancel() && firstCancelsWon
                        secondCancelsLost = !timer.cancel() && secondCancelsLost  // only the first cancel wins
                        cancelled.insert(index)
                    }
                }
                return (cancelled, firstCancelsWon, secondCancelsLost)
            }
            #expect(firstCancelsWon && secondCancelsLost)
            try await loop.sleep(for: .milliseconds(40))
            #expect(fired.value.isDisjoint(with: cancelled))
            #expect(fired.value.count == 100)
        }
    }

    @Test func aTimerMayScheduleAnotherFromItsBody() async throws {
        try await withLoop { loop in
            let fired = Locked(0)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                @Sendable func tick() {
                    let count = fired.withLock { $0 += 1; return $0 }
                    if count == 5 { continuation.resume() } else { try! loop.schedule(in: .milliseconds(1), tick) }
                }
                try! loop.schedule(in: .milliseconds(1), tick)
            }
            #expect(fired.value == 5)
        }
    }

    @Test func sleepWaitsAtLeastItsDuration() async throws {
        try await withLoop { loop in
            let clock = ContinuousClock()
            let start = clock.now
            try await loop.sleep(for: .milliseconds(20))
            #expect(clock.now - start >= .milliseconds(20))
        }
    }

    @Test func cancellingASleepEndsItAtOnce() async throws {
        try await withLoop { loop in
            let sleeper = Task { try await loop.sleep(for: .seconds(30)) }
            sleeper.cancel()
            await #expect(throws: CancellationError.self) { try await sleeper.value }
        }
    }

    @Test func shutdownWithTimersPendingDropsThemAndWakesSleepers() async throws {
        let loop = EventLoop()
        let ran = Locked(false)
        try loop.schedule(in: .seconds(30)) { ran.withLock { $0 = true } }
        let sleeper = Task { try await loop.sleep(for: .seconds(30)) }
        try await onLoop(loop) {}  // the schedule has reached the loop
        #expect(try await eventually(on: loop) { loop.timers.count == 2 })
        try await loop.shutdown()
        await #expect(throws: UVError.loopShutDown) { try await sleeper.value }
        #expect(ran.value == false)
    }
}
