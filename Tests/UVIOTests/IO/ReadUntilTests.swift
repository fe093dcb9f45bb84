import Testing
import UVIO

@Suite("readUntil")
struct ReadUntilTests {
    @Test(arguments: chunkSizes)
    func includesTheDelimiter(chunkSize: Int) async throws {
        let reader = ChunkedReader("ab;;cde;f", chunkSize: chunkSize)
        let semicolon = UInt8(ascii: ";")
        #expect(try await reader.readUntil(semicolon) == Array("ab;".utf8))
        #expect(try await reader.readUntil(semicolon) == Array(";".utf8))
        #expect(try await reader.readUntil(semicolon) == Array("cde;".utf8))
        #expect(try await reader.readUntil(semicolon) == Array("f".utf8))  // end of stream
        #expect(try await reader.readUntil(semicolon) == [])
        #expect(try await reader.readUntil(semicolon) == [])
    }

    @Test(arguments: chunkSizes)
    func maxLengthCountsTheDelimiter(chunkSize: Int) async throws {
        let reader = ChunkedReader("abc\nabcd\nrest", chunkSize: chunkSize)
        #expect(try await reader.readUntil(10, maxLength: 4) == Array("abc\n".utf8))
        await #expect(throws: UVError.limitExceeded) { try await reader.readUntil(10, maxLength: 4) }
        // Exactly maxLength bytes were consumed, however the bytes arrived.
        #expect(reader.remaining == Array("\nrest".utf8))
    }

    @Test(arguments: chunkSizes)
    func unterminatedDataAtTheLimitIsReturnedAtEndOfStream(chunkSize: Int) async throws {
        let reader = ChunkedReader("abcd", chunkSize: chunkSize)
        #expect(try await reader.readUntil(10, maxLength: 4) == Array("abcd".utf8))
    }

    @Test func zeroMaxLengthAllowsOnlyEndOfStream() async throws {
        let newline = ChunkedReader("\n", chunkSize: 1)
        await #expect(throws: UVError.limitExceeded) { try await newline.readUntil(10, maxLength: 0) }
        #expect(newline.remaining == [10])
        #expect(try await ChunkedReader([], chunkSize: 1).readUntil(10, maxLength: 0) == [])
    }

    @Test func negativeMaxLengthIsANamedError() async throws {
        let reader = ChunkedReader("a\n", chunkSize: 1)
        await #expect(throws: UVError.limitExceeded) { try await reader.readUntil(10, maxLength: -1) }
    }

    @Test func consumesAsItGoes() async throws {
        // ChunkedReader delivers the next chunk only once its buffer is empty, like a receive buffer
        // stopped at its high watermark: a readUntil that left bytes buffered until the delimiter
        // came would never finish.
        let line = [UInt8](repeating: 65, count: 10_000) + [10]
        let reader = ChunkedReader(line + [66], chunkSize: 100)
        #expect(try await reader.readUntil(10, maxLength: 20_000) == line)
        #expect(reader.calls == 101)  // 10,001 bytes in chunks of 100
        #expect(reader.remaining == [66])
    }

    @Test func readerErrorPassesThrough() async throws {
        let reader = ChunkedReader("abc", chunkSize: 1, end: .error(.connectionReset))
        await #expect(throws: UVError.connectionReset) { try await reader.readUntil(10) }
    }
}
