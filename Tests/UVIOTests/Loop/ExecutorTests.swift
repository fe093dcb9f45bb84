import Testing
@testable import UVIO

/// An actor whose isolated code runs on an event loop.
actor LoopActor {
    let loop: EventLoop
    init(loop: EventLoop) { self.loop = loop }
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    /// Whether the runtime takes this code as isolated to the actor before and after a suspension.
    func isolatedAcrossSuspension() async throws -> Bool {
        preconditionIsolated()
        let before = loop.inEventLoop
        try await resumedByTheLoop(loop)
        preconditionIsolated()
        return before && loop.inEventLoop
    }

    func onLoopAcrossSuspension() async throws -> [Bool] {
        var seen = [loop.inEventLoop]
        try await loop.sleep(for: .milliseconds(1))
        seen.append(loop.inEventLoop)
        await Task.yield()
        seen.append(loop.inEventLoop)
        return seen
    }
}

/// Suspends until a job on `loop` resumes it.
nonisolated func resumedByTheLoop(_ loop: EventLoop) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        do {
            try loop.execute { continuation.resume() }
        } catch {
            continuation.resume(throwing: error)
        }
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

    @Test func aTaskResumedOnTheLoopGoesOnWithoutBeingQueuedAgain() async throws {
        // Each round: the loop resumes the task from a job of its own, and the task, nonisolated,
        // returns through `resumedByTheLoop`. Run as isolated to the loop, every resumption of
        // nonisolated code was a switch of executor that queued the task again (5 jobs a round).
        try await withLoop { loop in
            let before = try await onLoop(loop) { loop.jobsRun.tasks }
            try await Task(executorPreference: loop) {
                for _ in 0..<100 { try await resumedByTheLoop(loop) }
            }.value
            let jobs = try await onLoop(loop) { loop.jobsRun.tasks } - before
            #expect(jobs >= 100 && jobs <= 110, "\(jobs) task jobs for 100 resumptions")
        }
    }

    @Test func anActorsJobsRunIsolatedToTheLoop() async throws {
        // The actor's jobs come through the loop's serial executor, not as a task's jobs.
        try await withLoop { loop in
            let actor = LoopActor(loop: loop)
            let before = try await onLoop(loop) { loop.jobsRun }
            let isolated = try await actor.isolatedAcrossSuspension()
            let after = try await onLoop(loop) { loop.jobsRun }
            #expect(isolated)
            #expect(after.isolated > before.isolated)
            #expect(after.tasks == before.tasks)
        }
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
