import Testing
import UVIO

@Suite("readLine")
struct ReadLineTests {
    @Test(arguments: chunkSizes)
    func stripsNewlinesAndKeepsEmptyLines(chunkSize: Int) async throws {
        let reader = ChunkedReader("one\ntwo\r\n\n\r\nlast", chunkSize: chunkSize)
        #expect(try await reader.readLine() == "one")
        #expect(try await reader.readLine() == "two")
        #expect(try await reader.readLine() == "")
        #expect(try await reader.readLine() == "")
        #expect(try await reader.readLine() == "last")
        #expect(try await reader.readLine() == nil)
        #expect(try await reader.readLine() == nil)
    }

    @Test(arguments: chunkSizes)
    func loneCarriageReturnStaysInTheLine(chunkSize: Int) async throws {
        let reader = ChunkedReader("a\rb\nc\r", chunkSize: chunkSize)
        #expect(try await reader.readLine() == "a\rb")
        #expect(try await reader.readLine() == "c\r")
        #expect(try await reader.readLine() == nil)
    }

    @Test func emptyStreamGivesNil() async throws {
        #expect(try await ChunkedReader([], chunkSize: 1).readLine() == nil)
        #expect(try await ChunkedReader([], chunkSize: 1).readLineBytes() == nil)
    }

    @Test func finalNewlineGivesNoExtraLine() async throws {
        let reader = ChunkedReader("x\n", chunkSize: 1)
        #expect(try await reader.readLine() == "x")
        #expect(try await reader.readLine() == nil)
    }

    @Test(arguments: chunkSizes)
    func maxLengthDoesNotCountTheTerminator(chunkSize: Int) async throws {
        let reader = ChunkedReader("abc\r\nabc\nabc", chunkSize: chunkSize)
        #expect(try await reader.readLine(maxLength: 3) == "abc")
        #expect(try await reader.readLine(maxLength: 3) == "abc")
        #expect(try await reader.readLine(maxLength: 3) == "abc")
        #expect(try await reader.readLine(maxLength: 3) == nil)
    }

    @Test(arguments: chunkSizes)
    func longLineThrowsAndConsumesMaxLengthPlusTwo(chunkSize: Int) async throws {
        let reader = ChunkedReader("abcd\nabcdefgh\r\nok\nabcd", chunkSize: chunkSize)
        let error = await #expect(throws: UVError.limitExceeded) { try await reader.readLine(maxLength: 3) }
        #expect(error?.context?.contains("3") == true)
        #expect(reader.remaining == Array("abcdefgh\r\nok\nabcd".utf8))
        await #expect(throws: UVError.limitExceeded) { try await reader.readLine(maxLength: 3) }
        #expect(reader.remaining == Array("fgh\r\nok\nabcd".utf8))
        #expect(try await reader.readLine(maxLength: 3) == "fgh")
        #expect(try await reader.readLine(maxLength: 3) == "ok")
        await #expect(throws: UVError.limitExceeded) { try await reader.readLine(maxLength: 3) }  // last, unterminated
        #expect(try await reader.readLine(maxLength: 3) == nil)
    }

    @Test func hugeMaxLengthDoesNotOverflow() async throws {
        #expect(try await ChunkedReader("a\n", chunkSize: 1).readLine(maxLength: .max) == "a")
        #expect(try await ChunkedReader("a\n", chunkSize: 1).readLine(maxLength: .max - 1) == "a")
    }

    @Test func negativeMaxLengthIsANamedError() async throws {
        let reader = ChunkedReader("a\n", chunkSize: 1)
        await #expect(throws: UVError.limitExceeded) { try await reader.readLine(maxLength: -1) }
    }

    @Test func invalidUTF8BecomesReplacementCharacters() async throws {
        let reader = ChunkedReader([0x61, 0xFF, 0x62, 0x0A, 0xC3, 0xA9, 0x0A], chunkSize: 1)
        #expect(try await reader.readLine() == "a\u{FFFD}b")
        #expect(try await reader.readLine() == "é")
    }

    @Test func bytesVariantKeepsTheBytes() async throws {
        let reader = ChunkedReader([0x61, 0xFF, 0x0D, 0x0A], chunkSize: 1)
        #expect(try await reader.readLineBytes() == [0x61, 0xFF])
        #expect(try await reader.readLineBytes() == nil)
    }
}
