import Testing
@testable import UVIO

/// An actor whose isolated code runs on an event loop.
actor LoopActor {
    let loop: EventLoop
    init(loop: EventLoop) { self.loop = loop }
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    func onLoopAcrossSuspension() async throws -> [Bool] {
        var seen = [loop.inEventLoop]
        try await loop.sleep(for: .milliseconds(1))
        seen.append(loop.inEventLoop)
        await Task.yield()
        seen.append(loop.inEventLoop)
        return seen
    }
}

/// A nonisolated async function: where it runs depends on the task's executor preference.
nonisolated func whereDoesThisRun(_ loop: EventLoop) async throws -> [Bool] {
    var seen = [loop.inEventLoop]
    try await loop.sleep(for: .milliseconds(1))
    seen.append(loop.inEventLoop)
    await Task.yield()
    seen.append(loop.inEventLoop)
    return seen
}

/// Calls `withTaskExecutorPreference` from nonisolated code, so its closure is nonisolated too.
nonisolated func preferLoop(_ loop: EventLoop) async throws -> [Bool] {
    try await withTaskExecutorPreference(loop, isolation: nil) {
        try await whereDoesThisRun(loop)
    }
}

@Suite("Executor", .timeLimit(.minutes(1)))
struct ExecutorTests {
    @Test func taskWithExecutorPreferenceRunsOnTheLoop() async throws {
        try await withLoop { loop in
            let seen = try await Task(executorPreference: loop) { try await whereDoesThisRun(loop) }.value
            #expect(seen == [true, true, true])
        }
    }

    @Test func taskGroupChildWithExecutorPreferenceRunsOnTheLoop() async throws {
        try await withLoop { loop in
            let all = try await withThrowingTaskGroup(of: [Bool].self) { group in
                for _ in 0..<4 { group.addTask(executorPreference: loop) { try await whereDoesThisRun(loop) } }
                return try await group.reduce(into: [Bool]()) { $0 += $1 }
            }
            #expect(all == [Bool](repeating: true, count: 12))
        }
    }

    @Test func actorWhoseExecutorIsTheLoopRunsOnTheLoop() async throws {
        try await withLoop { loop in
            let actor = LoopActor(loop: loop)
            let seen = try await actor.onLoopAcrossSuspension()
            #expect(seen == [true, true, true])
        }
    }

    @Test func withTaskExecutorPreferenceFromNonisolatedCodeRunsOnTheLoop() async throws {
        try await withLoop { loop in
            let seen = try await preferLoop(loop)
            #expect(seen == [true, true, true])
        }
    }

    @Test func withTaskExecutorPreferenceAlsoHostsDefaultActors() async throws {
        // SE-0417: a default actor runs on the task's preferred executor, so an actor's code inside
        // `withTaskExecutorPreference` runs on the loop too; an actor with a custom executor
        // would not.
        try await withLoop { loop in
            let seen = try await OtherActor().callPreferringLoop(loop)
            #expect(seen == true)
        }
    }

    @MainActor @Test func preferenceFromNonsendingAndConcurrentFunctionsCalledOnTheMainActor() async throws {
        // Measured under Swift 6.3.1: both the `nonisolated(nonsending)` and the `@concurrent`
        // caller get a nonisolated closure, which runs on the preferred loop.
        let loop = EventLoop()
        let inherited = await preferLoopInheritingCallerIsolation(loop)
        let concurrent = await preferLoopConcurrently(loop)
        try await loop.shutdown()
        #expect(inherited == true)
        #expect(concurrent == true)
    }

    @Test func asyncShutdownFromCodeOnTheLoopThreadSucceeds() async throws {
        let loop = EventLoop()
        try await Task(executorPreference: loop) {
            #expect(loop.inEventLoop)
            try await loop.shutdown()
        }.value
        #expect(throws: UVError.loopShutDown) { try loop.execute {} }
    }

    @Test func unstructuredTaskWithoutPreferenceRunsOnTheGlobalPool() async throws {
        try await withLoop { loop in
            let seen = try await Task.detached { try await whereDoesThisRun(loop) }.value
            #expect(seen == [false, false, false])
        }
    }
}

/// Runs on its caller's actor (SE-0461), as nonisolated async functions do by default in modules
/// that adopt `NonisolatedNonsendingByDefault`.
nonisolated(nonsending) func preferLoopInheritingCallerIsolation(_ loop: EventLoop) async -> Bool {
    await withTaskExecutorPreference(loop) { loop.inEventLoop }
}

/// `@concurrent` always leaves the caller's actor.
@concurrent func preferLoopConcurrently(_ loop: EventLoop) async -> Bool {
    await withTaskExecutorPreference(loop) { loop.inEventLoop }
}

actor OtherActor {
    func callPreferringLoop(_ loop: EventLoop) async throws -> Bool {
        await withTaskExecutorPreference(loop) { loop.inEventLoop }
    }
}
