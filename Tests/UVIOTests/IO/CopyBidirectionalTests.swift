import Testing
import UVIO

@Suite("copyBidirectional", .timeLimit(.minutes(1)))
struct CopyBidirectionalTests {
    let request = Array("GET / HTTP/1.0\r\n\r\n".utf8)
    let response = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 17) }

    @Test(arguments: chunkSizes)
    func copiesBothWaysAndHalfClosesEachSide(chunkSize: Int) async throws {
        let a = TestDuplex(input: ChunkedReader(request, chunkSize: chunkSize), output: LimitedWriter(maxPerCall: 2))
        let b = TestDuplex(input: ChunkedReader(response, chunkSize: chunkSize), output: LimitedWriter(maxPerCall: 3))
        let counts = try await copyBidirectional(a, b)
        #expect(counts.aToB == request.count)
        #expect(counts.bToA == response.count)
        #expect(b.output.bytes == request)
        #expect(a.output.bytes == response)
        // LimitedWriter throws on a write after shutdown, so these also prove the order.
        #expect(b.output.isShutDown)
        #expect(a.output.isShutDown)
    }

    @Test func halfClosesOneSideWhileTheOtherStillRuns() async throws {
        // a ends at once; b's reader then waits forever, so the call can only be cancelled.
        let a = TestDuplex(input: ChunkedReader([], chunkSize: 1))
        let b = TestDuplex(input: ChunkedReader(response, chunkSize: 64, end: .pending))
        let task = Task { try await copyBidirectional(a, b) }
        while !(b.output.isShutDown && a.output.bytes.count == response.count) {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(!a.output.isShutDown)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!a.output.isShutDown)
    }

    @Test func anErrorCancelsTheOtherDirectionAndIsRethrown() async throws {
        let a = TestDuplex(input: ChunkedReader(request, chunkSize: 1, end: .error(.connectionReset)))
        let b = TestDuplex(input: ChunkedReader([], chunkSize: 1, end: .pending))
        await #expect(throws: UVError.connectionReset) { try await copyBidirectional(a, b) }
        #expect(b.output.bytes == request)
        #expect(!b.output.isShutDown)
        #expect(!a.output.isShutDown)
    }

    @Test func aWriteErrorIsRethrown() async throws {
        let a = TestDuplex(input: ChunkedReader(request, chunkSize: 1), output: LimitedWriter(maxPerCall: 0))
        let b = TestDuplex(input: ChunkedReader(response, chunkSize: 1, end: .pending))
        await #expect(throws: UVError.writeZero) { try await copyBidirectional(a, b) }
    }
}
