import Testing
import UVIO

@Suite("peek")
struct PeekTests {
    @Test(arguments: chunkSizes)
    func peekThenReadSeesTheSameBytes(chunkSize: Int) async throws {
        let data = Array("hello, world\n".utf8)
        let reader = ChunkedReader(data, chunkSize: chunkSize)
        let peeked = try await reader.peek(maxBytes: 5)
        #expect(!peeked.isEmpty && peeked.count <= min(5, chunkSize))
        #expect(peeked == Array(data.prefix(peeked.count)))
        #expect(try await reader.peek(maxBytes: 5) == peeked)
        #expect(try await reader.readExact(peeked.count) == peeked)
        #expect(try await reader.readLine() == String(decoding: data[peeked.count...].dropLast(), as: UTF8.self))
        #expect(try await reader.peek(maxBytes: 5) == [])
    }

    @Test func zeroMaxBytesDoesNotWait() async throws {
        let reader = ChunkedReader([1], chunkSize: 1, end: .pending)
        #expect(try await reader.peek(maxBytes: 0) == [])
        #expect(reader.calls == 0)
    }

    @Test func negativeMaxBytesIsANamedError() async throws {
        await #expect(throws: UVError.limitExceeded) { try await ChunkedReader([1], chunkSize: 1).peek(maxBytes: -1) }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellationEndsAWaitingPeek() async throws {
        let reader = ChunkedReader([1, 2], chunkSize: 2, end: .pending)
        #expect(try await reader.readExact(2) == [1, 2])
        let task = Task { try await reader.peek(maxBytes: 1) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
