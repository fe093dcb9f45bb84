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

    /// A large read into an empty buffer takes room for a whole burst of reads at once; the
    /// bytes stay in order across the burst, and the room is given back once all is read.
    @Test func aLargeReadReservesRoomForTheBurstAndEmptyingFreesIt() throws {
        var buffer = ReceiveBuffer()
        let chunks = (0..<5).map { index in [UInt8](repeating: UInt8(index), count: 64 * 1024) }
        chunks[0].withUnsafeBytes { buffer.append($0) }
        #expect(buffer.capacity >= ReceiveBuffer.burstCapacity)
        let reserved = buffer.capacity
        for chunk in chunks.dropFirst(1).prefix(3) { chunk.withUnsafeBytes { buffer.append($0) } }
        #expect(buffer.capacity == reserved)  // four reads of 64 KiB, no reallocation
        chunks[4].withUnsafeBytes { buffer.append($0) }
        var read: [UInt8] = []
        while !buffer.isEmpty { read += try buffer.consume { ($0.count, Array($0)) } }
        #expect(read == chunks.flatMap { $0 })
        #expect(buffer.capacity <= ReceiveBuffer.retainedCapacity)
    }

    /// Room runs out at the end: the unread bytes move to the front when that frees at least as
    /// much as it copies, else into larger storage; either way they stay in order.
    @Test func unreadBytesMoveToTheFrontOrIntoLargerStorage() {
        var buffer = buffer(Array(0..<100))
        let capacity = buffer.capacity
        buffer.consume(60)
        Array(UInt8(100)..<150).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.capacity == capacity)
        #expect(buffer.withUnreadBytes { Array($0) } == Array(60..<150))
        buffer.consume(10)
        Array(UInt8(150)..<250).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.capacity > capacity)
        #expect(buffer.withUnreadBytes { Array($0) } == Array(70..<250))
    }

    @Test func smallMessagesDoNotReserveTheBurst() {
        var buffer = buffer([UInt8](repeating: 1, count: 64))
        #expect(buffer.capacity < ReceiveBuffer.burstChunk)
        buffer.consume(64)
        #expect(buffer.isEmpty)
    }

    @Test(arguments: [-1, 5])
    func claimingMoreThanGivenOrLessThanNoneThrowsAndKeepsTheBytes(consumed: Int) {
        var buffer = buffer([1, 2, 3, 4])
        #expect(throws: UVError.limitExceeded) { try buffer.consume { _ in (consumed, ()) } }
        #expect(buffer.withUnreadBytes { Array($0) } == [1, 2, 3, 4])
    }
}
