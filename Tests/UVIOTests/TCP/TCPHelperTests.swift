import Testing
@testable import UVIO

/// Sends `bytes` one byte per write with TCP_NODELAY, so the reader meets every chunk boundary.
func trickle(_ bytes: [UInt8], to stream: TCPStream) async throws {
    try await stream.setNoDelay(true)
    for byte in bytes { try await stream.write([byte]) }
    try await stream.shutdownWrite()
}

@Suite("TCP helpers over a trickling peer", .timeLimit(.minutes(1)))
struct TCPHelperTests {
    @Test func readLineReadUntilPeekAndReadExactAtEveryBoundary() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            let text = "first\r\nsecond\n\nHEAD" + "tail;rest"
            let sender = Task { try await trickle(Array(text.utf8), to: client) }
            #expect(try await server.readLine() == "first")
            #expect(try await server.readLine() == "second")
            #expect(try await server.readLine() == "")
            let peeked = try await server.peek(maxBytes: 4)
            #expect(!peeked.isEmpty && Array("HEAD".utf8).starts(with: peeked))
            #expect(try await server.readExact(4) == Array("HEAD".utf8))
            let two = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
            defer { two.deallocate() }
            try await server.readExact(into: two)
            #expect(Array(two) == Array("ta".utf8))
            #expect(try await server.readUntil(UInt8(ascii: ";")) == Array("il;".utf8))
            #expect(try await server.readLine() == "rest")  // the last line has no newline
            #expect(try await server.readLine() == nil)
            try await sender.value
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func readToEndWithALimit() async throws {
        try await withLoop { loop in
            let listener = try await loopbackListener(on: loop)
            let (client, server) = try await connectedPair(listener)
            try await client.writeAll(pattern(10_000))
            try await client.shutdownWrite()
            await #expect(throws: UVError.limitExceeded) { try await server.readToEnd(limit: 5_000) }
            await client.close(); await server.close(); await listener.close()
        }
    }

    @Test func bidirectionalCopyHalfClosesEachSide() async throws {
        try await withLoop { loop in
            // client <-> proxyFront | proxyBack <-> backend
            let front = try await loopbackListener(on: loop)
            let back = try await loopbackListener(on: loop)
            let (client, proxyFront) = try await connectedPair(front)
            let (proxyBack, backend) = try await connectedPair(back)
            let proxy = Task { try await copyBidirectional(proxyFront, proxyBack) }
            try await client.writeAll(Array("to backend".utf8))
            try await client.shutdownWrite()
            #expect(try await backend.readToEnd() == Array("to backend".utf8))
            try await backend.writeAll(Array("to client".utf8))
            try await backend.shutdownWrite()
            #expect(try await client.readToEnd() == Array("to client".utf8))
            let counts = try await proxy.value
            #expect(counts.aToB == 10 && counts.bToA == 9)
            for stream in [client, proxyFront, proxyBack, backend] { await stream.close() }
            await front.close(); await back.close()
        }
    }
}
