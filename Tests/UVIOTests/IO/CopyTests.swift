import Testing
import UVIO

@Suite("copy(from:to:)")
struct CopyTests {
    let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 13) }

    @Test(arguments: chunkSizes)
    func copiesEverythingAndCounts(chunkSize: Int) async throws {
        let reader = ChunkedReader(data, chunkSize: chunkSize)
        let writer = LimitedWriter(maxPerCall: 3)
        let copied = try await copy(from: reader, to: writer)
        #expect(copied == data.count)
        #expect(writer.bytes == data)
        #expect(!writer.isShutDown)
    }

    @Test(arguments: [1, 5, 4096])
    func bufferSizeBoundsEachRead(bufferSize: Int) async throws {
        let reader = ChunkedReader(data, chunkSize: 100_000)
        let writer = LimitedWriter()
        #expect(try await copy(from: reader, to: writer, bufferSize: bufferSize) == data.count)
        #expect(writer.bytes == data)
        #expect(writer.calls == (data.count + bufferSize - 1) / bufferSize)
    }

    @Test func emptyStreamCopiesNothing() async throws {
        let writer = LimitedWriter()
        #expect(try await copy(from: ChunkedReader([], chunkSize: 1), to: writer) == 0)
        #expect(writer.calls == 0)
    }

    @Test func badBufferSizeIsANamedError() async throws {
        await #expect(throws: UVError.invalidArgument) {
            try await copy(from: ChunkedReader(data, chunkSize: 1), to: LimitedWriter(), bufferSize: 0)
        }
    }

    @Test func errorsPassThrough() async throws {
        await #expect(throws: UVError.connectionReset) {
            try await copy(from: ChunkedReader(data, chunkSize: 7, end: .error(.connectionReset)), to: LimitedWriter())
        }
        await #expect(throws: UVError.writeZero) {
            try await copy(from: ChunkedReader(data, chunkSize: 7), to: LimitedWriter(capacity: 500))
        }
    }
}
