import Testing
@testable import UVIO
#if canImport(Glibc)
import Glibc
#endif

@Suite("EventLoop", .timeLimit(.minutes(1)))
struct EventLoopTests {
    @Test func startsRunsAJobAndShutsDownCleanly() async throws {
        let loop = EventLoop()
        let ranOnLoop = try await onLoop(loop) { loop.inEventLoop }
        #expect(ranOnLoop)
        #expect(!loop.inEventLoop)
        try await loop.shutdown()
        // A second shutdown waits for the first and succeeds.
        try await loop.shutdown()
        #expect(throws: UVError.loopShutDown) { try loop.execute {} }
    }

    @Test func syncShutdownFromAPlainThread() throws {
        let loop = EventLoop()
        try loop.syncShutdown()
        #expect(throws: UVError.loopShutDown) { try loop.schedule(in: .zero) {} }
    }

    @Test func sharedLoopRefusesShutdown() async throws {
        await #expect(throws: UVError.invalidArgument) { try await EventLoop.shared.shutdown() }
        #expect(try await onLoop(.shared) { EventLoop.shared.inEventLoop })
    }

    @Test func shutdownFromTheLoopThreadIsAWrongThreadError() async throws {
        try await withLoop { loop in
            let error = try await onLoop(loop) { () -> UVError? in
                do { try loop.syncShutdown() } catch let error as UVError { return error } catch { return nil }
                return nil
            }
            #expect(error == .wrongThread)
        }
    }

    @Test func jobsFromFourThreadsRunOnceEachInPerThreadOrder() async throws {
        let threads = 4
        let perThread = 25_000
        try await withLoop { loop in
            // Touched only on the loop thread, so no lock.
            final class Log: @unchecked Sendable { var next = [Int](repeating: 0, count: 4); var outOfOrder = 0; var total = 0 }
            let log = Log()
            let done = ThreadSignal()
            let senders = (0..<threads).map { thread in
                LoopThread.start(name: "sender-\(thread)") {
                    for sequence in 0..<perThread {
                        try! loop.execute {
                            if log.next[thread] != sequence { log.outOfOrder += 1 }
                            log.next[thread] = sequence + 1
                            log.total += 1
                            if log.total == threads * perThread { done.post() }
                        }
                    }
                }
            }
            senders.forEach { $0.join() }
            done.wait()
            let (total, outOfOrder, next) = try await onLoop(loop) { (log.total, log.outOfOrder, log.next) }
            #expect(total == threads * perThread)
            #expect(outOfOrder == 0)
            #expect(next == [Int](repeating: perThread, count: threads))
        }
    }

    @Test func aBatchOfJobsCostsOneWakeUp() async throws {
        try await withLoop { loop in
            let gate = ThreadSignal()
            let started = ThreadSignal()
            try loop.execute { started.post(); gate.wait() }  // hold the loop while the batch builds
            started.wait()
            let before = loop.wakeupsSent.load(ordering: .relaxed)
            let counter = Locked(0)
            for _ in 0..<10_000 { try loop.execute { counter.withLock { $0 += 1 } } }
            gate.post()
            try await onLoop(loop) {}
            #expect(counter.value == 10_000)
            // One wake-up for the batch and one for the `onLoop` probe at most.
            #expect(loop.wakeupsSent.load(ordering: .relaxed) - before <= 2)
        }
    }

    @Test func jobsFromTheLoopThreadNeedNoWakeUp() async throws {
        try await withLoop { loop in
            let before = loop.wakeupsSent.load(ordering: .relaxed)
            let count = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                try! loop.execute {
                    final class Count: @unchecked Sendable { var value = 0 }  // loop thread only
                    let count = Count()
                    for index in 0..<1_000 {
                        try! loop.execute {
                            count.value += 1
                            if index == 999 { continuation.resume(returning: count.value) }
                        }
                    }
                }
            }
            #expect(count == 1_000)
            #expect(loop.wakeupsSent.load(ordering: .relaxed) - before == 1)  // the outer job only
        }
    }

    @Test func groupHandsOutLoopsRoundRobin() async throws {
        let group = try EventLoopGroup(loopCount: 3)
        let picked = (0..<6).map { _ in ObjectIdentifier(group.next()) }
        #expect(picked[0] == picked[3] && picked[1] == picked[4] && picked[2] == picked[5])
        #expect(Set(picked).count == 3)
        #expect(EventLoopGroup.coreCount >= 1)
        try await group.shutdown()
        #expect(throws: UVError.limitExceeded) { try EventLoopGroup(loopCount: 0) }
    }
}
