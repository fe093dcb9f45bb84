import Testing
@testable import UVIO

/// A future that is pending until `open` is set, counting its polls; set it and wake the waker.
final class FutureGate: Sendable {
    let open = Locked(false)
    let polls = Locked(0)
    let waker = Locked<Waker?>(nil)

    func release() {
        open.withLock { $0 = true }
        waker.value?.wake()
    }

    struct Wait: Future {
        let gate: FutureGate
        mutating func poll(_ context: inout Context) throws -> Poll<Int> {
            gate.polls.withLock { $0 += 1 }
            let waker = context.waker
            gate.waker.withLock { $0 = waker }
            return gate.open.value ? .ready(gate.polls.value) : .pending
        }
    }

    var future: Wait { Wait(gate: self) }
}

/// Calls `body` when the last reference to it goes.
final class DropSignal: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    deinit { body() }
}

/// `wait`, owning `owned` for as long as the future exists.
struct Owning: Future {
    var wait: FutureGate.Wait
    let owned: DropSignal
    mutating func poll(_ context: inout Context) throws -> Poll<Int> { try wait.poll(&context) }
}

struct Failing: Future {
    let error: UVError
    mutating func poll(_ context: inout Context) throws -> Poll<Int> { throw error }
}

@Suite("FutureExecutor", .timeLimit(.minutes(2)))
struct FutureExecutorTests {
    @Test func spawnedFutureDeliversItsValue() async throws {
        try await withLoop { loop in
            let value = try await FutureExecutor.spawn(Ready(42), on: loop).value
            #expect(value == 42)
        }
    }

    @Test func spawnedFutureDeliversItsError() async throws {
        try await withLoop { loop in
            let handle = FutureExecutor.spawn(Failing(error: .timedOut), on: loop)
            await #expect(throws: UVError.timedOut) { try await handle.value }
            #expect(handle.isFinished)
        }
    }

    @Test func manyWakesBeforeThePollGiveOnePoll() async throws {
        try await withLoop { loop in
            let gate = FutureGate()
            let handle = FutureExecutor.spawn(gate.future, on: loop)
            #expect(await eventually { gate.polls.value == 1 })
            // On the loop thread, in one job: 100 wakes, then open. One poll follows, not 100.
            try await onLoop(loop) {
                let waker = gate.waker.value!
                for _ in 0..<100 { waker.wake() }
                gate.open.withLock { $0 = true }
            }
            let polls = try await handle.value
            #expect(polls == 2)
        }
    }

    @Test func wakingOnTheLoopThreadSendsNoWakeUp() async throws {
        try await withLoop { loop in
            let gate = FutureGate()
            let handle = FutureExecutor.spawn(gate.future, on: loop)
            #expect(await eventually { gate.polls.value == 1 })
            let sent = try await onLoop(loop) { () -> Int in
                let before = loop.wakeupsSent.load(ordering: .relaxed)
                gate.release()
                return loop.wakeupsSent.load(ordering: .relaxed) - before
            }
            #expect(sent == 0)
            let polls = try await handle.value
            #expect(polls == 2)
        }
    }

    @Test func wakingFromAnotherThreadWorks() async throws {
        try await withLoop { loop in
            let gate = FutureGate()
            let handle = FutureExecutor.spawn(gate.future, on: loop)
            #expect(await eventually { gate.polls.value == 1 })
            gate.release()
            let polls = try await handle.value
            #expect(polls == 2)
        }
    }

    @Test func blockOnFromAPlainThreadReturnsTheValue() async throws {
        try await withLoop { loop in
            let result = Locked<Result<Int, UVError>?>(nil)
            let done = ThreadSignal()
            LoopThread.startDetached(name: "blocker") {
                result.withLock { $0 = Result { () throws(UVError) -> Int in
                    do { return try FutureExecutor.blockOn(Ready(7).map { $0 * 6 }, on: loop) } catch {
                        throw error as? UVError ?? .invalidArgument
                    }
                } }
                done.post()
            }
            done.wait()
            let value = try result.value?.get()
            #expect(value == 42)
        }
    }

    @Test func blockOnOnTheLoopThreadThrowsWrongThread() async throws {
        try await withLoop { loop in
            let thrown = try await onLoop(loop) { () -> UVError? in
                do {
                    _ = try FutureExecutor.blockOn(Ready(1), on: loop)
                    return nil
                } catch {
                    return error as? UVError
                }
            }
            #expect(thrown == .wrongThread)
        }
    }

    @Test func cancelDropsThePendingFuture() async throws {
        try await withLoop { loop in
            let gate = FutureGate()
            let handle = FutureExecutor.spawn(gate.future, on: loop)
            #expect(await eventually { gate.polls.value == 1 })
            handle.cancel()
            await #expect(throws: CancellationError.self) { try await handle.value }
            gate.release()
            #expect(handle.isFinished)
        }
    }

    /// The task outlives its future while a waker of it is stored somewhere (here, in the gate);
    /// the future, and what it owns, must go as soon as it finishes or is cancelled.
    @Test(arguments: [false, true])
    func theFutureIsDroppedWhenItEndsThoughItsWakerLivesOn(cancel: Bool) async throws {
        try await withLoop { loop in
            let gate = FutureGate()
            let dropped = Locked(false)
            let handle = FutureExecutor.spawn(
                Owning(wait: gate.future, owned: DropSignal { dropped.withLock { $0 = true } }), on: loop)
            #expect(await eventually { gate.polls.value == 1 })
            #expect(!dropped.value)
            if cancel {
                handle.cancel()
                _ = try? await handle.value
            } else {
                gate.open.withLock { $0 = true }
                try await onLoop(loop) { gate.waker.value!.wake() }
                #expect(try await handle.value == 2)
            }
            #expect(await eventually { dropped.value })
            #expect(gate.waker.value != nil)  // the task itself is still referenced
        }
    }

    @Test func spawnOnAClosedLoopFailsWithLoopShutDown() async throws {
        let loop = EventLoop()
        try await loop.shutdown()
        await #expect(throws: UVError.loopShutDown) { try await FutureExecutor.spawn(Ready(1), on: loop).value }
    }

    @Test func aPendingFutureEndsWhenItsStreamClosesAtShutdown() async throws {
        let loop = EventLoop()
        let (client, server) = try await connectedPair(on: loop)
        let handle = FutureExecutor.spawn(ReadExact(client, [0]).map { _ in 0 }, on: loop)
        #expect(await eventually { client.hasWaitingReader })
        try await loop.shutdown()
        await #expect(throws: UVError.loopShutDown) { try await handle.value }
        _ = server
    }
}
