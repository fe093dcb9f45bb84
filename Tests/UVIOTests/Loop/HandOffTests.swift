import Testing
@testable import UVIO

/// A plain class without a lock: written on the loop thread before the resume, read by the task
/// after it. Only the hand-over under test orders the two; ThreadSanitizer (`make test-tsan`)
/// reports a race if it does not.
private final class Unguarded: @unchecked Sendable {
    var value = 0
}

@Suite("HandOff")
struct HandOffTests {
    @Test func whatTheLoopWroteBeforeResumingIsSeenByTheTask() async throws {
        try await withLoop { loop in
            for round in 1...200 {
                let written = Unguarded()
                let returned = try await withThrowingHandOff { (handOff: HandOff<Int, any Error>) in
                    // The loop may resume before this body returns: the early-resume path.
                    try! loop.execute {
                        written.value = round
                        handOff.resume(returning: round * 2)
                    }
                }
                #expect(returned == round * 2)
                #expect(written.value == round)
            }
        }
    }

    @Test func errorsAndTheNonThrowingFormArrive() async throws {
        try await withLoop { loop in
            await #expect(throws: UVError.timedOut) {
                try await withThrowingHandOff { (handOff: HandOff<Void, any Error>) in
                    try! loop.execute { handOff.resume(throwing: UVError.timedOut) }
                }
            }
            let value = await withHandOff { (handOff: HandOff<String, Never>) in
                try! loop.execute { handOff.resume(returning: "done") }
            }
            #expect(value == "done")
        }
    }
}
