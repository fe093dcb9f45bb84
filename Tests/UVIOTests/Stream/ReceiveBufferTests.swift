import Testing
@testable import UVIO

@Suite("Receive buffer")
struct ReceiveBufferTests {
    private func buffer(_ bytes: [UInt8]) -> ReceiveBuffer {
        var buffer = ReceiveBuffer()
        bytes.withUnsafeBytes { buffer.append($0) }
        return buffer
    }

    @Test func consumeRemovesWhatTheBodySays() throws {
        var buffer = buffer([1, 2, 3, 4])
        let seen = try buffer.consume { bytes in (3, Array(bytes)) }
        #expect(seen == [1, 2, 3, 4])
        #expect(buffer.count == 1)
        #expect(buffer.withUnreadBytes { Array($0) } == [4])
    }

    @Test(arguments: [-1, 5])
    func claimingMoreThanGivenOrLessThanNoneThrowsAndKeepsTheBytes(consumed: Int) {
        var buffer = buffer([1, 2, 3, 4])
        #expect(throws: UVError.limitExceeded) { try buffer.consume { _ in (consumed, ()) } }
        #expect(buffer.withUnreadBytes { Array($0) } == [1, 2, 3, 4])
    }
}
