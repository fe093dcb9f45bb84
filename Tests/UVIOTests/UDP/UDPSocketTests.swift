import Testing
@testable import UVIO

@Suite("UDP sockets", .timeLimit(.minutes(2)))
struct UDPSocketTests {
    @Test(arguments: [SocketAddress.loopbackIPv4(port: 0), .loopbackIPv6(port: 0)])
    func echo(_ address: SocketAddress) async throws {
        try await withLoop { loop in
            let server = try await UDPSocket.bind(address, on: loop)
            let client = try await UDPSocket.bind(address, on: loop)
            let echo = Task {
                for try await datagram in server.datagrams {
                    try await server.send(datagram.bytes, to: datagram.sender)
                }
            }
            for size in [0, 1, 5, 1400, 9000, UDPCore.maximumPayload(address.family)] {
                let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
                try await client.send(payload, to: server.localAddress)
                let reply = try await client.receive()
                #expect(reply.bytes == payload)
                #expect(reply.sender == server.localAddress)
                #expect(!reply.isTruncated)
            }
            await server.close()
            try await echo.value  // the sequence ends when the socket closes
            await client.close()
        }
    }

    @Test func emptyDatagramsWorkBothWays() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            try await a.send([], to: b.localAddress)
            let received = try await b.receive()
            #expect(received.bytes.isEmpty)
            #expect(received.sender == a.localAddress)
            try await b.send([UInt8](), to: a.localAddress)
            var buffer = [UInt8](repeating: 0xEE, count: 4)
            let info = try await a.receive(into: &buffer)
            #expect(info == DatagramInfo(count: 0, sender: b.localAddress, isTruncated: false))
            #expect(buffer == [0xEE, 0xEE, 0xEE, 0xEE])
            await a.close()
            await b.close()
        }
    }

    @Test func receiveIntoSmallBufferReportsTruncation() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let payload = (0..<100).map { UInt8($0) }
            try await a.send(payload, to: b.localAddress)
            try await a.send(payload.prefix(10), to: b.localAddress)
            var buffer = [UInt8](repeating: 0, count: 10)
            let first = try await b.receive(into: &buffer)
            #expect(first == DatagramInfo(count: 10, sender: a.localAddress, isTruncated: true))
            #expect(buffer == Array(payload.prefix(10)))
            // The rest of the first datagram is gone, as UDP does: the next receive is the next datagram.
            let second = try await b.receive(into: &buffer)
            #expect(second == DatagramInfo(count: 10, sender: a.localAddress, isTruncated: false))
            await a.close()
            await b.close()
        }
    }

    @Test(arguments: [false, true])
    func maximumDatagramSizeTruncates(batched: Bool) async throws {
        try await withLoop { loop in
            var configuration = UDPSocket.Configuration()
            configuration.maximumDatagramSize = 64
            configuration.batchedReceive = batched
            let receiver = try await UDPSocket.bind(.loopbackIPv4(port: 0), configuration: configuration, on: loop)
            #expect(try await receiver.isUsingBatchedReceive() == batched)
            let sender = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let payload = (0..<200).map { UInt8($0) }
            try await sender.send(payload, to: receiver.localAddress)
            try await sender.send(payload.prefix(64), to: receiver.localAddress)
            let long = try await receiver.receive()
            #expect(long.bytes == Array(payload.prefix(64)))
            #expect(long.isTruncated)
            let exact = try await receiver.receive()
            #expect(exact.bytes == Array(payload.prefix(64)))
            #expect(!exact.isTruncated)
            await receiver.close()
            await sender.close()
        }
    }

    @Test func connectedMode() async throws {
        try await withLoop { loop in
            let server = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let client = try await UDPSocket.connect(to: server.localAddress, on: loop)
            #expect(client.remoteAddress == server.localAddress)
            #expect(client.localAddress.ipAddress == "127.0.0.1")

            try await client.send(Array("hello".utf8))
            let request = try await server.receive()
            #expect(request.bytes == Array("hello".utf8))
            #expect(request.sender == client.localAddress)
            try await server.send(Array("world".utf8), to: request.sender)
            #expect(try await client.receive().bytes == Array("world".utf8))

            // Naming the peer is allowed; naming anyone else is not.
            try await client.send([1], to: server.localAddress)
            #expect(try await server.receive().bytes == [1])
            await #expect(throws: UVError(code: -106)) {  // UV_EISCONN
                try await client.send([2], to: .loopbackIPv4(port: 9))
            }

            try await client.disconnect()
            #expect(client.remoteAddress == nil)
            await #expect(throws: UVError.notConnected) { try await client.send([3]) }
            try await client.send([4], to: server.localAddress)
            #expect(try await server.receive().bytes == [4])

            // Connect an existing socket, and again to another peer.
            try await server.connect(to: client.localAddress)
            try await server.send([5])
            #expect(try await client.receive().bytes == [5])
            await server.close()
            await client.close()
        }
    }

    @Test func badInputGetsClearErrors() async throws {
        try await withLoop { loop in
            let v4 = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let v6 = try await UDPSocket.bind(.loopbackIPv6(port: 0), on: loop)
            await #expect(throws: UVError.messageTooLong) {
                try await v4.send([UInt8](repeating: 0, count: 65_508), to: v4.localAddress)
            }
            await #expect(throws: UVError.messageTooLong) {
                try await v6.send([UInt8](repeating: 0, count: 65_528), to: v6.localAddress)
            }
            await #expect(throws: UVError.invalidArgument) { try await v4.send([1], to: .loopbackIPv4(port: 0)) }
            await #expect(throws: UVError.invalidArgument) { try await v4.send([1], to: v6.localAddress) }
            await #expect(throws: UVError.malformedAddress) { try await v4.send([1], to: "127.0.0.1") }
            await #expect(throws: UVError.malformedAddress) { try await v4.send([1], to: "not an address:80") }
            await #expect(throws: UVError.notConnected) { try await v4.send([1]) }
            await #expect(throws: UVError.invalidArgument) { _ = try await UDPSocket.connect(to: .loopbackIPv4(port: 0), on: loop) }
            var configuration = UDPSocket.Configuration()
            configuration.receiveQueueLimit = 0
            await #expect(throws: UVError.limitExceeded) {
                _ = try await UDPSocket.bind(.loopbackIPv4(port: 0), configuration: configuration, on: loop)
            }
            await #expect(throws: UVError.invalidArgument) { try await v4.setTimeToLive(0) }
            await #expect(throws: UVError.addressInUse) { _ = try await UDPSocket.bind(v4.localAddress, on: loop) }
            // A string destination works when it is well formed.
            try await v4.send([9], to: "127.0.0.1:\(v4.localAddress.port)")
            #expect(try await v4.receive().bytes == [9])
            await v4.close()
            await v6.close()
        }
    }

    @Test func closeEndsEveryOperationClearly() async throws {
        try await withLoop { loop in
            let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let waiting = Task { try await socket.receive() }
            try await waitUntil(loop, "the receiver waits") { !socket.core.state.withLock { $0.receivers.isEmpty } }
            await socket.close()
            await #expect(throws: UVError.closed) { try await waiting.value }
            await #expect(throws: UVError.closed) { try await socket.receive() }
            await #expect(throws: UVError.closed) { try await socket.send([1], to: .loopbackIPv4(port: 9)) }
            await #expect(throws: UVError.closed) { try await socket.setBroadcast(true) }
            var context = Context(waker: .noop)
            #expect(throws: UVError.closed) { try socket.pollReceive(&context) }
            await socket.close()  // twice is fine
        }
    }

    @Test func cancelledReceiveLosesNothing() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let waiting = Task { try await b.receive() }
            try await waitUntil(loop, "the receiver waits") { !b.core.state.withLock { $0.receivers.isEmpty } }
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
            try await a.send([42], to: b.localAddress)
            #expect(try await b.receive().bytes == [42])
            await a.close()
            await b.close()
        }
    }

    /// On the loop a send that the socket takes at once skips the continuation; cancelled, it
    /// must still throw rather than send.
    @Test(arguments: [false, true])
    func cancelledSendThrowsCancellation(onLoop: Bool) async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let gate = WakeSignal()
            let sending = Task(executorPreference: onLoop ? loop : nil) {
                await gate.wait()
                try await a.send([1], to: b.localAddress)
            }
            sending.cancel()
            gate.wake()
            await #expect(throws: CancellationError.self) { try await sending.value }
            // The socket stays usable, and nothing was left charged against the send queue.
            try await a.send([2], to: b.localAddress)
            #expect(try await b.receive().bytes == [2])
            #expect(a.core.state.withLock { $0.queuedSendBytes } == 0)
            await a.close()
            await b.close()
        }
    }

    @Test func sendOnTheLoopUsesTrySend() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            // On the loop thread a send completes inside uv_udp_try_send: nothing is ever queued.
            try await Task(executorPreference: loop) {
                for index in 0..<100 {
                    try await a.send(numbered(index), to: b.localAddress)
                    #expect(a.core.state.withLock { $0.queuedSendBytes } == 0)
                }
            }.value
            for index in 0..<100 { #expect(number(of: try await b.receive().bytes) == index) }
            await a.close()
            await b.close()
        }
    }

    @Test func sendTakesAnyCollectionOnAndOffTheLoop() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let bytes: [UInt8] = [1, 2, 3, 4]
            // Not contiguous: copied once; contiguous raw bytes and a slice: sent from place.
            try await a.send(bytes.reversed(), to: b.localAddress)
            try await Task(executorPreference: loop) {
                try await a.send(bytes.reversed(), to: b.localAddress)
                let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
                defer { raw.deallocate() }
                raw.copyBytes(from: bytes)
                try await a.send(UnsafeRawBufferPointer(raw), to: b.localAddress)
                try await a.send(bytes[1...2], to: b.localAddress)
            }.value
            #expect(try await b.receive().bytes == [4, 3, 2, 1])
            #expect(try await b.receive().bytes == [4, 3, 2, 1])
            #expect(try await b.receive().bytes == [1, 2, 3, 4])
            #expect(try await b.receive().bytes == [2, 3])
            await a.close()
            await b.close()
        }
    }

    @Test func optionsApply() async throws {
        try await withLoop { loop in
            var configuration = UDPSocket.Configuration()
            configuration.receiveBufferSize = 256 * 1024
            configuration.sendBufferSize = 128 * 1024
            let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), configuration: configuration, on: loop)
            #expect(try await socket.receiveBufferSize() >= 256 * 1024)  // Linux doubles it
            #expect(try await socket.sendBufferSize() >= 128 * 1024)
            try await socket.setReceiveBufferSize(512 * 1024)
            #expect(try await socket.receiveBufferSize() >= 512 * 1024)
            try await socket.setBroadcast(true)
            try await socket.setTimeToLive(32)
            try await socket.setMulticastTimeToLive(0)
            try await socket.setMulticastLoop(true)
            await socket.close()
        }
    }

    @Test func droppedSocketClosesItsDescriptor() async throws {
        try await withLoop { loop in
            let before = try await onLoop(loop) { loop.openResourceCount }
            do {
                let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
                #expect(try await onLoop(loop) { loop.openResourceCount } == before + 1)
                _ = socket
            }
            var open = before + 1
            for _ in 0..<10_000 where open != before {
                open = try await onLoop(loop) { loop.openResourceCount }
            }
            #expect(open == before)
        }
    }
}
