import Testing
@testable import UVIO

@Suite("Timers", .timeLimit(.minutes(1)))
struct TimerTests {
    @Test func timersFireInDeadlineOrder() async throws {
        try await withLoop { loop in
            // Scheduled in one job on the loop, so the 5 ms gaps dwarf the time between calls
            // even under a sanitizer.
            let delays = (0..<40).map { $0 * 5 }.shuffled()
            let fired = Locked([Int]())
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                try! loop.execute {
                    for delay in delays {
                        try! loop.schedule(in: .milliseconds(delay)) {
                            let count = fired.withLock { $0.append(delay); return $0.count }
                            if count == delays.count { continuation.resume() }
                        }
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

    @Test func aCancelledTimerNeverFires() async throws {
        try await withLoop { loop in
            let fired = Locked(Set<Int>())
            var cancelled = Set<Int>()
            for index in 0..<200 {
                let timer = try loop.schedule(in: .milliseconds(index % 10)) { fired.withLock { _ = $0.insert(index) } }
                if index.isMultiple(of: 2) {
                    #expect(timer.cancel())
                    #expect(!timer.cancel())  // only the first cancel wins
                    cancelled.insert(index)
                }
            }
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
