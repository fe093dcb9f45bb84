import Testing
import UVIO

/// The smallest proof that the loop runs and shuts down; the loop's full suite lives beside it.
@Suite(.timeLimit(.minutes(1)))
struct EventLoopSmokeTests {
    @Test func executeRunsOnTheLoopThreadAndShutdownRefusesLaterJobs() async throws {
        let loop = EventLoop(name: "smoke")
        let ranOnLoop = await withCheckedContinuation { continuation in
            do {
                try loop.execute { continuation.resume(returning: loop.inEventLoop) }
            } catch {
                continuation.resume(returning: false)
            }
        }
        #expect(ranOnLoop)
        try await loop.shutdown()
        #expect(throws: UVError.loopShutDown) { try loop.execute {} }
    }
}
