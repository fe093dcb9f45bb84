import Testing
import UVIO

@Suite("writeAll")
struct WriteAllTests {
    let data = (0..<300).map { UInt8(truncatingIfNeeded: $0) }

    @Test(arguments: [1, 2, 3, 7, 64, Int.max])
    func writesEverythingInShortWrites(maxPerCall: Int) async throws {
        let writer = LimitedWriter(maxPerCall: maxPerCall)
        try await writer.writeAll(data)
        try await writer.writeAll(data[10..<20])
        try await writer.writeAll("héllo\n")
        #expect(writer.bytes == data + data[10..<20] + Array("héllo\n".utf8))
        if maxPerCall == 1 { #expect(writer.calls == data.count + 10 + 7) }
        #expect(!writer.isShutDown)
    }

    @Test func writesARawBuffer() async throws {
        let writer = LimitedWriter(maxPerCall: 1)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: data)
        try await writer.writeAll(UnsafeRawBufferPointer(buffer))
        #expect(writer.bytes == data)
    }

    @Test func writesLargeInputsThroughTheScratchBuffer() async throws {
        let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let writer = LimitedWriter(maxPerCall: 50_000)
        try await writer.writeAll(large)
        #expect(writer.bytes == large)
    }

    @Test func emptyInputDoesNotWrite() async throws {
        let writer = LimitedWriter(maxPerCall: 0)
        try await writer.writeAll([UInt8]())
        try await writer.writeAll("")
        try await writer.writeAll(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(writer.calls == 0)
    }

    @Test func zeroByteWriteIsWriteZero() async throws {
        let writer = LimitedWriter(maxPerCall: 0)
        let error = await #expect(throws: UVError.writeZero) { try await writer.writeAll(data) }
        #expect(error?.bytesTransferred == 0)
    }

    @Test func writeZeroCarriesTheCountOverTheWholeInput() async throws {
        let large = [UInt8](repeating: 9, count: 100_000)
        let writer = LimitedWriter(maxPerCall: 1000, capacity: 70_000)
        let error = await #expect(throws: UVError.writeZero) { try await writer.writeAll(large) }
        #expect(error?.bytesTransferred == 70_000)
        #expect(writer.bytes.count == 70_000)
    }

    @Test func writerErrorPassesThrough() async throws {
        let writer = LimitedWriter()
        try await writer.shutdownWrite()
        await #expect(throws: UVError.brokenPipe) { try await writer.writeAll("late") }
    }
}
