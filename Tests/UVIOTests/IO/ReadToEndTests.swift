import Testing
import UVIO

@Suite("readToEnd")
struct ReadToEndTests {
    let data = (0..<150_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    @Test(arguments: chunkSizes)
    func readsEverything(chunkSize: Int) async throws {
        let small = Array(data[..<300])
        #expect(try await ChunkedReader(small, chunkSize: chunkSize).readToEnd() == small)
    }

    @Test func readsMoreThanOneScratchBuffer() async throws {
        #expect(try await ChunkedReader(data, chunkSize: 100_000).readToEnd() == data)
    }

    @Test func emptyStreamGivesEmptyArray() async throws {
        #expect(try await ChunkedReader([], chunkSize: 1).readToEnd() == [])
        #expect(try await ChunkedReader([], chunkSize: 1).readToEnd(limit: 0) == [])
    }

    @Test(arguments: chunkSizes)
    func limitIsInclusive(chunkSize: Int) async throws {
        let small = Array(data[..<300])
        #expect(try await ChunkedReader(small, chunkSize: chunkSize).readToEnd(limit: 300) == small)
        #expect(try await ChunkedReader(small, chunkSize: chunkSize).readToEnd(limit: .max) == small)
    }

    @Test(arguments: chunkSizes)
    func exceedingTheLimitThrowsAndConsumesOneBytePast(chunkSize: Int) async throws {
        let reader = ChunkedReader(Array(data[..<300]), chunkSize: chunkSize)
        let error = await #expect(throws: UVError.limitExceeded) { try await reader.readToEnd(limit: 299) }
        #expect(error?.context?.contains("299") == true)
        #expect(reader.remaining.isEmpty)

        let big = ChunkedReader(data, chunkSize: 100_000)
        await #expect(throws: UVError.limitExceeded) { try await big.readToEnd(limit: 70_000) }
        #expect(big.remaining.count == data.count - 70_001)
    }

    @Test func negativeLimitIsANamedError() async throws {
        await #expect(throws: UVError.limitExceeded) { try await ChunkedReader([1], chunkSize: 1).readToEnd(limit: -1) }
    }

    @Test func readerErrorPassesThrough() async throws {
        let reader = ChunkedReader([1, 2, 3], chunkSize: 1, end: .error(.connectionReset))
        await #expect(throws: UVError.connectionReset) { try await reader.readToEnd() }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellationStopsIt() async throws {
        let task = Task { try await ChunkedReader([1, 2, 3], chunkSize: 1, end: .pending).readToEnd() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
