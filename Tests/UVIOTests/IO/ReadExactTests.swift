import Testing
import UVIO

@Suite("readExact")
struct ReadExactTests {
    let data = (0..<200).map { UInt8(truncatingIfNeeded: $0) }

    @Test(arguments: chunkSizes)
    func readsExactCountsAcrossChunks(chunkSize: Int) async throws {
        let reader = ChunkedReader(data, chunkSize: chunkSize)
        #expect(try await reader.readExact(5) == Array(data[0..<5]))
        #expect(try await reader.readExact(95) == Array(data[5..<100]))
        #expect(try await reader.readExact(100) == Array(data[100..<200]))
        #expect(try await reader.readExact(0) == [])
    }

    @Test(arguments: chunkSizes)
    func earlyEndCarriesTheCount(chunkSize: Int) async throws {
        let reader = ChunkedReader(data, chunkSize: chunkSize)
        _ = try await reader.readExact(150)
        let error = await #expect(throws: UVError.unexpectedEndOfStream) {
            try await reader.readExact(60)
        }
        #expect(error?.bytesTransferred == 50)
    }

    @Test func endOfStreamBeforeAnyByteCarriesZero() async throws {
        let reader = ChunkedReader([], chunkSize: 1)
        let error = await #expect(throws: UVError.unexpectedEndOfStream) {
            try await reader.readExact(1)
        }
        #expect(error?.bytesTransferred == 0)
    }

    @Test func hugeCountAllocatesOnlyWhatArrives() async throws {
        let reader = ChunkedReader(data, chunkSize: 64)
        let error = await #expect(throws: UVError.unexpectedEndOfStream) { try await reader.readExact(.max) }
        #expect(error?.bytesTransferred == data.count)
    }

    @Test func readsMoreThanOneScratchBuffer() async throws {
        let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(try await ChunkedReader(large, chunkSize: 100_000).readExact(150_000) == Array(large[..<150_000]))
    }

    @Test func zeroCountDoesNotRead() async throws {
        let reader = ChunkedReader(data, chunkSize: 1)
        #expect(try await reader.readExact(0) == [])
        #expect(reader.calls == 0)
    }

    @Test func negativeCountIsANamedError() async throws {
        let reader = ChunkedReader(data, chunkSize: 1)
        await #expect(throws: UVError.limitExceeded) { try await reader.readExact(-1) }
        #expect(reader.calls == 0)
    }

    @Test(arguments: chunkSizes)
    func fillsARawBuffer(chunkSize: Int) async throws {
        let reader = ChunkedReader(data, chunkSize: chunkSize)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 120, alignment: 1)
        defer { buffer.deallocate() }
        try await reader.readExact(into: buffer)
        #expect(Array(buffer) == Array(data[0..<120]))
        #expect(reader.remaining == Array(data[120...]))
    }

    @Test func readerErrorPassesThrough() async throws {
        let reader = ChunkedReader(data, chunkSize: 7, end: .error(.connectionReset))
        await #expect(throws: UVError.connectionReset) { try await reader.readExact(201) }
    }
}
