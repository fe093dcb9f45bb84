import Testing
@testable import UVIO

/// 10,000 numbered datagrams: none lost when the receiver keeps up, and when it does not, the
/// dropped counter accounts for exactly the datagrams that did not arrive.
///
/// Loopback UDP is lossless only while the receiver's kernel buffer has room, so the sender
/// goes in windows and waits (one loop hop per check, bounded) until the receiving socket has
/// taken the window from the kernel. The windows are far below what `SO_RCVBUF` holds.
@Suite("UDP datagram counts", .timeLimit(.minutes(2)))
struct UDPDatagramCountTests {
    static let total = 10_000
    static let window = 250

    @Test(arguments: [false, true])
    func tenThousandNumberedDatagramsArriveInOrder(batched: Bool) async throws {
        try await withLoop { loop in
            var configuration = UDPSocket.Configuration()
            configuration.batchedReceive = batched
            configuration.receiveQueueLimit = Self.total
            configuration.receiveBufferSize = 4 * 1024 * 1024
            let receiver = try await UDPSocket.bind(.loopbackIPv4(port: 0), configuration: configuration, on: loop)
            #expect(try await receiver.isUsingBatchedReceive() == batched)
            let sender = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let reader = Task {
                var numbers: [Int] = []
                for try await datagram in receiver.datagrams {
                    #expect(datagram.sender == sender.localAddress)
                    numbers.append(number(of: datagram.bytes))
                    if numbers.count == Self.total { break }
                }
                return numbers
            }
            try await sendNumbered(from: sender, to: receiver, on: loop)
            let numbers = try await reader.value
            #expect(numbers == Array(0..<Self.total))
            #expect(receiver.droppedDatagramCount == 0)
            #expect(receiver.receivedDatagramCount == Self.total)
            await sender.close()
            await receiver.close()
        }
    }

    @Test(arguments: [false, true])
    func droppedCounterMatchesWhatDidNotArrive(batched: Bool) async throws {
        try await withLoop { loop in
            var configuration = UDPSocket.Configuration()
            configuration.batchedReceive = batched
            configuration.receiveQueueLimit = 100
            configuration.receiveBufferSize = 4 * 1024 * 1024
            let receiver = try await UDPSocket.bind(.loopbackIPv4(port: 0), configuration: configuration, on: loop)
            let sender = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            // Nobody reads while the datagrams arrive.
            try await sendNumbered(from: sender, to: receiver, on: loop)
            #expect(receiver.queuedDatagramCount == 100)
            var arrived: [Int] = []
            while receiver.queuedDatagramCount > 0 {
                arrived.append(number(of: try await receiver.receive().bytes))
            }
            #expect(arrived == Array(0..<100))  // the queue keeps the oldest; newer ones are dropped
            #expect(receiver.droppedDatagramCount == Self.total - arrived.count)
            #expect(receiver.receivedDatagramCount == Self.total)
            await sender.close()
            await receiver.close()
        }
    }

    /// Sends 0..<total in windows, waiting for the receiver to take each window from the kernel.
    private func sendNumbered(from sender: UDPSocket, to receiver: UDPSocket, on loop: EventLoop) async throws {
        var sent = 0
        while sent < Self.total {
            let end = min(sent + Self.window, Self.total)
            for index in sent..<end { try await sender.send(numbered(index), to: receiver.localAddress) }
            sent = end
            let expected = sent
            try await waitUntil(loop, "\(expected) datagrams reached the receiver") {
                receiver.receivedDatagramCount >= expected
            }
        }
    }
}
