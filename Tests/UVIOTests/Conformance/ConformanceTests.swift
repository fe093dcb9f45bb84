import Testing
@testable import UVIO

/// The same scenarios through the three façades: they share one core, so they must agree.
@Suite("Conformance of the three façades", .timeLimit(.minutes(2)))
struct ConformanceTests {
    @Test(arguments: Facade.allCases)
    func echo(_ facade: Facade) async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            async let echoed = facade.echo(server)
            let message = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try await facade.writeAll(client, message)
            try await facade.shutdownWrite(client)
            let reply = try await facade.readToEnd(client)
            #expect(reply == message)
            let count = try await echoed
            #expect(count == message.count)
            await client.close()
            await server.close()
        }
    }

    @Test(arguments: Facade.allCases)
    func earlyEndOfStream(_ facade: Facade) async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            try await server.write([1, 2, 3])
            try await server.shutdownWrite()
            do {
                _ = try await facade.readExact(client, 10)
                Issue.record("expected an early end of stream")
            } catch let error as UVError {
                #expect(error == .unexpectedEndOfStream)
                #expect(error.bytesTransferred == 3)
            }
            await client.close()
            await server.close()
        }
    }

    @Test(arguments: Facade.allCases)
    func halfClose(_ facade: Facade) async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let request = Array("GET / HALF-CLOSE\r\n".utf8)
            let reply = Array("the reply after the request's end\r\n".utf8)
            async let served: [UInt8] = {
                let received = try await facade.readToEnd(server)
                try await facade.writeAll(server, reply)
                try await facade.shutdownWrite(server)
                return received
            }()
            try await facade.writeAll(client, request)
            try await facade.shutdownWrite(client)
            // Our write side is shut down; the read side still works.
            let answer = try await facade.readToEnd(client)
            #expect(try await served == request)
            #expect(answer == reply)
            await client.close()
            await server.close()
        }
    }

    @Test(arguments: Facade.allCases)
    func copyOf64MiBWithAChecksum(_ facade: Facade) async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let data = BulkData.bytes
            async let echoed = facade.echo(server)
            async let received = facade.readToEnd(client)
            let chunk = 1 << 20
            for start in stride(from: 0, to: data.count, by: chunk) {
                try await facade.writeAll(client, Array(data[start..<min(start + chunk, data.count)]))
            }
            try await facade.shutdownWrite(client)
            let bytes = try await received
            #expect(bytes.count == data.count)
            #expect(BulkData.checksum(bytes) == BulkData.checksum(data))
            #expect(try await echoed == data.count)
            await client.close()
            await server.close()
        }
    }

    @Test(arguments: Facade.allCases)
    func peerWritesOneByteAtATime(_ facade: Facade) async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            try await server.setNoDelay(true)
            let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
            async let read = facade.readExact(client, bytes.count)
            for byte in bytes { try await server.write([byte]) }
            #expect(try await read == bytes)
            await client.close()
            await server.close()
        }
    }

    @Test(arguments: Facade.allCases)
    func peerReset(_ facade: Facade) async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            await server.closeWithReset()
            await #expect(throws: UVError.connectionReset) { try await facade.readExact(client, 1) }
            await client.close()
        }
    }

    @Test(arguments: Facade.allCases)
    func closeDuringAPendingRead(_ facade: Facade) async throws {
        try await withLoop { loop in
            let (client, server) = try await connectedPair(on: loop)
            let read = Task { try await facade.readExact(client, 10) }
            #expect(await eventually { client.hasWaitingReader })
            await client.close()
            await #expect(throws: UVError.closed) { try await read.value }
            await server.close()
        }
    }
}

/// 64 MiB of pseudo-random bytes, made once, and a checksum over 64-bit words.
enum BulkData {
    static let bytes: [UInt8] = {
        let words = 8 << 20
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let values = [UInt64](unsafeUninitializedCapacity: words) { buffer, count in
            for index in 0..<words {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                buffer[index] = state
            }
            count = words
        }
        return values.withUnsafeBytes { [UInt8]($0) }
    }()

    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        precondition(bytes.count % 8 == 0)
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UInt64.self) { words in
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for word in words { hash = (hash ^ word) &* 0x100_0000_01B3 }
                return hash
            }
        }
    }
}
