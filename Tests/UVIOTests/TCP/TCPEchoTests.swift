import Testing
@testable import UVIO

/// The echo server of seed 002: accept, read 5 bytes, write them back, one task per connection.
func runSeedEchoServer(_ listener: TCPListener, connections: Int, preferLoop: Bool) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        var accepted = 0
        for try await socket in listener.connections {
            let serve: @Sendable () async throws -> Int = {
                let buffer = try await socket.readExact(5)
                try await socket.writeAll(buffer)
                await socket.close()
                return 1
            }
            if preferLoop { group.addTask(executorPreference: listener.loop, operation: serve) } else { group.addTask(operation: serve) }
            accepted += 1
            if accepted == connections { break }
        }
        return try await group.reduce(0, +)
    }
}

@Suite("TCP echo", .timeLimit(.minutes(2)))
struct TCPEchoTests {
    @Test(arguments: [true, false])
    func seedEchoWithOneHundredConcurrentClients(preferLoop: Bool) async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let clients = 100
            async let served = runSeedEchoServer(listener, connections: clients, preferLoop: preferLoop)
            let replies = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<clients {
                    group.addTask {
                        let stream = try await TCPStream.connect(to: listener.localAddress)
                        let message = Array("hi\(index % 10)!!".utf8.prefix(5))
                        try await stream.writeAll(message)
                        let reply = try await stream.readExact(5)
                        let end = try await stream.read(maxBytes: 10)  // the server closed after echoing
                        await stream.close()
                        return reply == message && end.isEmpty
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(try await served == clients)
            #expect(replies.count == clients && replies.allSatisfy { $0 })
            await listener.close()
        }
    }

    @Test func echoOverIPv6() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(ipv6: true, on: loop)
            #expect(listener.localAddress.description.hasPrefix("[::1]:"))
            async let served = runSeedEchoServer(listener, connections: 1, preferLoop: true)
            let stream = try await TCPStream.connect(to: listener.localAddress, on: loop)
            #expect(stream.peerAddress == listener.localAddress)
            try await stream.writeAll(Array("hello".utf8))
            #expect(try await stream.readExact(5) == Array("hello".utf8))
            #expect(try await served == 1)
            await stream.close()
            await listener.close()
        }
    }

    @Test func twoHundredFiftySixMiBThroughCopyWithAChecksum() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let total = 256 * 1024 * 1024
            let (client, server) = try await connectedPair(listener)
            // The server copies everything it reads back to the client.
            let echo = Task(executorPreference: loop) {
                let copied = try await copy(from: server, to: server)
                try await server.shutdownWrite()
                return copied
            }
            let sender = Task {
                let chunk = pattern(1 << 20)
                var checksum = Checksum()
                for _ in 0..<(total >> 20) {
                    try await client.write(chunk)
                    chunk.withUnsafeBytes { checksum.add($0) }
                }
                try await client.shutdownWrite()
                return checksum.value
            }
            var received = 0
            var checksum = Checksum()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let count = try await client.read(into: buffer)
                if count == 0 { break }
                checksum.add(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                received += count
            }
            #expect(try await echo.value == total)
            #expect(received == total)
            #expect(checksum.value == (try await sender.value))
            await client.close()
            await server.close()
            await listener.close()
        }
    }
}
