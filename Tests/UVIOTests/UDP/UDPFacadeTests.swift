import Testing
@testable import UVIO

/// The async, poll and callback façades share one core, so they see the same datagrams.
@Suite("UDP façades", .timeLimit(.minutes(2)))
struct UDPFacadeTests {
    static let payloads: [[UInt8]] = [[], [1], Array("hello".utf8), [UInt8](repeating: 7, count: 3000)]

    @Test func threeFacadesReceiveTheSame() async throws {
        try await withLoop { loop in
            let receiver = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let sender = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)

            // Async.
            for payload in Self.payloads { try await sender.send(payload, to: receiver.localAddress) }
            var viaAsync: [Datagram] = []
            for _ in Self.payloads { viaAsync.append(try await receiver.receive()) }

            // Poll: the ReceiveDatagram future and pollReceive, polled by hand.
            for payload in Self.payloads { try await sender.send(payload, to: receiver.localAddress) }
            var viaPoll: [Datagram] = []
            for _ in Self.payloads {
                var future = ReceiveDatagram(socket: receiver, buffer: [UInt8](repeating: 0, count: 4096))
                let (buffer, info) = try await pollUntilReady(&future)
                viaPoll.append(Datagram(bytes: Array(buffer[..<info.count]), sender: info.sender,
                                        isTruncated: info.isTruncated))
            }

            // Callbacks.
            let collected = Locked([Datagram]())
            let allArrived = WakeSignal()
            try await receiver.onReceive { result in
                guard case .success(let datagram) = result else { return }
                let count = collected.withLock { $0.append(datagram); return $0.count }
                if count == Self.payloads.count { allArrived.wake() }
            }
            for payload in Self.payloads { try await sender.send(payload, to: receiver.localAddress) }
            await allArrived.wait()
            try await receiver.onReceive(nil)

            let expected = Self.payloads.map { Datagram(bytes: $0, sender: sender.localAddress) }
            #expect(viaAsync == expected)
            #expect(viaPoll == expected)
            #expect(collected.value == expected)
            await sender.close()
            await receiver.close()
        }
    }

    /// The borrowing handler gets queued datagrams first, then each new one straight from
    /// libuv's buffer, in order, and the close last.
    @Test func borrowingHandlerSeesQueuedThenLiveDatagramsAndTheClose() async throws {
        try await withLoop { loop in
            let receiver = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let sender = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            for payload in Self.payloads.prefix(2) { try await sender.send(payload, to: receiver.localAddress) }
            #expect(try await eventually(on: loop) { receiver.core.state.withLock { $0.queue.count } == 2 })

            let events = Locked([String]())
            let seen = Locked([Datagram]())
            let allArrived = WakeSignal()
            try await receiver.onReceive(borrowing: { event in
                switch event {
                case .datagram(let bytes, let info):
                    let count = seen.withLock { seen in
                        seen.append(Datagram(bytes: [UInt8](bytes), sender: info.sender, isTruncated: info.isTruncated))
                        return seen.count
                    }
                    events.withLock { $0.append(info.count == bytes.count ? "datagram" : "count mismatch") }
                    if count == Self.payloads.count { allArrived.wake() }
                case .error(let error):
                    events.withLock { $0.append("error \(error.code == UVError.closed.code ? "closed" : "\(error)")") }
                }
            })
            for payload in Self.payloads.dropFirst(2) { try await sender.send(payload, to: receiver.localAddress) }
            await allArrived.wait()
            await receiver.close()

            #expect(seen.value == Self.payloads.map { Datagram(bytes: $0, sender: sender.localAddress) })
            #expect(events.value == [String](repeating: "datagram", count: Self.payloads.count) + ["error closed"])
            await sender.close()
        }
    }

    @Test func threeFacadesSendTheSame() async throws {
        try await withLoop { loop in
            let receiver = try await UDPSocket.bind(.loopbackIPv6(port: 0), on: loop)
            let sender = try await UDPSocket.bind(.loopbackIPv6(port: 0), on: loop)
            let destination = receiver.localAddress

            try await sender.send([1, 1], to: destination)

            var future = SendDatagram(socket: sender, bytes: [2, 2], to: destination)
            #expect(try await pollUntilReady(&future) == 2)

            let signal = WakeSignal()
            var context = Context(waker: signal.waker)
            let handedOver = try ([3, 3] as [UInt8]).withUnsafeBytes { try sender.pollSend(&context, $0, to: destination) }
            #expect(handedOver == .ready(2))

            let completed = Locked<UVError??>(nil)
            let done = WakeSignal()
            sender.send([4, 4], to: destination) { error in
                completed.withLock { $0 = .some(error) }
                done.wake()
            }
            await done.wait()
            #expect(completed.value == .some(nil))

            var received: [[UInt8]] = []
            for _ in 0..<4 {
                var receive = ReceiveDatagram(socket: receiver, buffer: [0, 0, 0])
                let (buffer, info) = try await pollUntilReady(&receive)
                #expect(info.sender == sender.localAddress)
                received.append(Array(buffer[..<info.count]))
            }
            #expect(received == [[1, 1], [2, 2], [3, 3], [4, 4]])
            await sender.close()
            await receiver.close()
        }
    }

    @Test func facadesReportTheSameErrors() async throws {
        try await withLoop { loop in
            let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let tooLong = [UInt8](repeating: 0, count: 70_000)
            let destination = SocketAddress.loopbackIPv4(port: 9)

            await #expect(throws: UVError.messageTooLong) { try await socket.send(tooLong, to: destination) }
            var future = SendDatagram(socket: socket, bytes: tooLong, to: destination)
            await #expect(throws: UVError.messageTooLong) { try await pollUntilReady(&future) }
            var context = Context(waker: .noop)
            #expect(throws: UVError.messageTooLong) {
                try tooLong.withUnsafeBytes { try socket.pollSend(&context, $0, to: destination) }
            }
            let failure = Locked<UVError?>(nil)
            let done = WakeSignal()
            socket.send(tooLong, to: destination) { error in
                failure.withLock { $0 = error }
                done.wake()
            }
            await done.wait()
            #expect(failure.value == .messageTooLong)

            // After close: every façade says closed.
            let handlerSaw = Locked<UVError?>(nil)
            try await socket.onReceive { result in
                if case .failure(let error) = result { handlerSaw.withLock { $0 = error } }
            }
            var pending = ReceiveDatagram(socket: socket, buffer: [0])
            let signal = WakeSignal()
            var waiting = Context(waker: signal.waker)
            #expect(try pending.poll(&waiting).isReady == false)
            await socket.close()
            #expect(handlerSaw.value == .closed)
            await #expect(throws: UVError.closed) { try await socket.receive() }
            await #expect(throws: UVError.closed) { try await pollUntilReady(&pending) }
            await #expect(throws: UVError.closed) { try await socket.send([1], to: destination) }
        }
    }

    @Test func pollSendWaitsWhenTheSendQueueIsFull() async throws {
        try await withLoop { loop in
            var configuration = UDPSocket.Configuration()
            configuration.sendQueueLimit = 10
            let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), configuration: configuration, on: loop)
            let receiver = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            // Fill the queue by hand (as a send in flight to the loop would), then poll.
            socket.core.state.withLock { $0.queuedSendBytes = 10 }
            let signal = WakeSignal()
            var context = Context(waker: signal.waker)
            let first = try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try socket.pollSend(&context, $0, to: receiver.localAddress) }
            #expect(first == .pending)
            socket.core.release(10)
            await signal.wait()  // woken when room appears
            let second = try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try socket.pollSend(&context, $0, to: receiver.localAddress) }
            #expect(second == .ready(3))
            #expect(try await receiver.receive().bytes == [1, 2, 3])
            await socket.close()
            await receiver.close()
        }
    }
}
