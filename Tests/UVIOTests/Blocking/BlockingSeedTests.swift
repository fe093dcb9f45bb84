import Testing
@testable import UVIO
internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// Every example of seed 003, against a local server that behaves like the one it names.
@Suite("Blocking: seed 003 examples", .timeLimit(.minutes(2)))
struct BlockingSeedTests {
    /// An HTTP/1.0 responder standing in for example.com.
    static func httpResponder(_ stream: TCPStream) async throws {
        var request: [String] = []
        while let line = try await stream.testReadLine(), !line.isEmpty { request.append(line) }
        guard request.first == "GET / HTTP/1.0", request.contains("Host: example.com") else {
            try await stream.write("HTTP/1.0 400 Bad Request\r\n\r\n")
            return
        }
        try await stream.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
    }

    @Test("TcpClient: GET over HTTP/1.0, read the status line, close")
    func tcpClient() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, Self.httpResponder)
            let (sent, response) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                let sent = try conn.write("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n")
                let response = try conn.readLine()
                try conn.close()
                return (sent, response)
            }
            #expect(sent == 37)
            #expect(response == "HTTP/1.0 200 OK")
            try await server.finish()
        }
    }

    @Test("TcpClient resolves a host name")
    func tcpClientResolvesNames() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, Self.httpResponder)
            let peer = try await onThread {
                let conn = try TCPClient(host: "localhost", port: server.port, on: loop)
                try conn.writeAll("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n")
                #expect(try conn.readLine() == "HTTP/1.0 200 OK")
                try conn.close()
                return conn.peerAddress
            }
            #expect(peer.port == server.port)
            try await server.finish()
        }
    }

    @Test("TcpClient.connect_timeout: connects in time, or fails with timed-out")
    func connectTimeout() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { _ in }
            try await onThread {
                let conn = try TCPClient.connect(
                    host: "127.0.0.1", port: server.port, timeoutMilliseconds: 30_000, on: loop)
                try conn.close()
            }
            try await server.finish()

            let unaccepting = try RawLoopbackListener(backlog: 0)
            let port = unaccepting.port
            let (timedOutAfter, elapsed) = try await onThread { () -> (Int?, UInt64) in
                var held: [TCPClient] = []  // they fill the accept queue
                defer { for client in held { try? client.close() } }
                for attempt in 0..<16 {
                    let start = uv_hrtime()
                    do {
                        held.append(try TCPClient.connect(
                            host: "127.0.0.1", port: port, timeoutMilliseconds: 200, on: loop))
                    } catch UVError.timedOut {
                        return (attempt, uv_hrtime() - start)
                    }
                }
                return (nil, 0)
            }
            #expect(timedOutAfter != nil)
            // At least the timeout, and far below the kernel's own limit (about 127 s of SYN
            // retries): loose enough for a sanitizer build on a loaded two-core machine.
            #expect(elapsed >= 150_000_000 && elapsed < 30_000_000_000)
            _ = unaccepting
        }
    }

    @Test("write returns the bytes written; write_bytes and write_all deliver everything")
    func writes() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, pingResponder)
            let replies = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                let n = try conn.write("PING\r\n")
                #expect(n == 6)
                var replies = [try conn.readLine()]
                #expect(try conn.write(bytes: [0x48, 0x69]) == 2)
                try conn.write("\n")
                replies.append(try conn.readLine())
                try conn.writeAll("large payload that must arrive in full\n")
                replies.append(try conn.readLine())
                try conn.writeAll(Array("QUIT\n".utf8))
                replies.append(try conn.readLine())
                replies.append(try conn.readLine())
                try conn.close()
                return replies
            }
            #expect(replies == ["PONG", "ECHO Hi", "ECHO large payload that must arrive in full", "BYE", nil])
            try await server.finish()
        }
    }

    @Test("write_all of 4 MiB arrives in full")
    func writeAllLarge() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in
                let received = try await stream.testReadToEnd()
                try await stream.write("\(received.count) \(received.reduce(0) { $0 &+ Int($1) })\n")
            }
            let payload = (0..<4 * 1024 * 1024).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let reply = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.writeAll(payload)
                try conn.shutdown(.write)
                let reply = try conn.readLine()
                try conn.close()
                return reply
            }
            #expect(reply == "\(payload.count) \(payload.reduce(0) { $0 &+ Int($1) })")
            try await server.finish()
        }
    }

    @Test("read returns up to max_bytes, possibly fewer, and empty at end of stream")
    func read() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, pingResponder)
            let (chunks, atEnd) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.write("HELLO\n")
                var chunks: [[UInt8]] = []
                while chunks.joined().count < 6 { chunks.append(try conn.read(maxBytes: 1024)) }
                try conn.write("QUIT\n")
                while chunks.joined().count < 10 { chunks.append(try conn.read(maxBytes: 2)) }
                let atEnd = try conn.read(maxBytes: 1024)
                try conn.close()
                return (chunks, atEnd)
            }
            #expect(chunks.allSatisfy { !$0.isEmpty })
            #expect(chunks.dropFirst().allSatisfy { $0.count <= 2 } || chunks.count >= 1)
            #expect(String(decoding: chunks.joined(), as: UTF8.self) == "WORLD\nBYE\n")
            #expect(atEnd.isEmpty)
            try await server.finish()
        }
    }

    @Test("read_line: a line server, \\n and \\r\\n endings, the last line without a newline")
    func readLine() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in
                try await stream.write("Welcome to the line server\r\n")
                try await stream.write("line two\n\r\n")
                try await stream.write("last line, no newline")
            }
            let lines = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                var lines: [String] = []
                for _ in 0..<10 {
                    guard let line = try conn.readLine() else { break }
                    lines.append(line)
                }
                try conn.close()
                return lines
            }
            #expect(lines == ["Welcome to the line server", "line two", "", "last line, no newline"])
            try await server.finish()
        }
    }

    @Test("read_exact: a server that sends a 4-byte header; end of stream before n bytes fails")
    func readExact() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, connections: 2) { stream in
                if try await stream.testReadLine() == "full" {
                    try await stream.write([0, 0, 0, 5] as [UInt8])
                    try await stream.write("hello")
                } else {
                    try await stream.write([0, 0] as [UInt8])
                }
            }
            let (header, body) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.write("full\n")
                let header = try conn.readExact(4)
                let body = try conn.readExact(Int(header[3]))
                try conn.close()
                return (header, body)
            }
            #expect(header == [0, 0, 0, 5])
            #expect(body == Array("hello".utf8))

            let (error, rest, end) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.write("short\n")
                let error = errorOf { _ = try conn.readExact(4) }
                let rest = try conn.read(maxBytes: 10)  // the failed call consumed nothing
                let end = try conn.read(maxBytes: 10)
                try conn.close()
                return (error, rest, end)
            }
            #expect(error == .unexpectedEndOfStream)
            #expect(error?.bytesTransferred == 2)
            #expect(rest == [0, 0])
            #expect(end.isEmpty)
            try await server.finish()
        }
    }

    @Test("read_until includes the delimiter")
    func readUntil() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in try await stream.write("abc\ndef") }
            let parts = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                let parts = [try conn.readUntil(10), try conn.readUntil(10), try conn.readUntil(10)]
                try conn.close()
                return parts
            }
            #expect(parts == [Array("abc\n".utf8), Array("def".utf8), []])
            try await server.finish()
        }
    }

    @Test("peek leaves the bytes for the next read")
    func peek() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in try await stream.write("HELLO\n") }
            let (first, second, read, line) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                let first = try conn.peek(maxBytes: 4)
                let second = try conn.peek(maxBytes: 4)
                let read = try conn.read(maxBytes: first.count)
                let line = try conn.readLine()
                try conn.close()
                return (first, second, read, line)
            }
            #expect(!first.isEmpty && first.count <= 4)
            #expect(Array("HELL".utf8).starts(with: first))
            #expect(second == first)
            #expect(read == first)
            #expect(String(decoding: first, as: UTF8.self) + (line ?? "") == "HELLO")
            try await server.finish()
        }
    }

    @Test("set_timeout_ms, set_nodelay and set_keepalive")
    func options() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, pingResponder)
            let conn = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.setTimeout(milliseconds: 5000)
                #expect(conn.readTimeoutMilliseconds == 5000 && conn.writeTimeoutMilliseconds == 5000)
                try conn.setNoDelay(true)
                try conn.setKeepAlive(true)
                try conn.write("PING\n")
                #expect(try conn.readLine() == "PONG")  // a timeout that does not fire
                return conn
            }
            #expect(try await conn.stream.socketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY) != 0)
            #expect(try await conn.stream.socketOption(level: SOL_SOCKET, name: SO_KEEPALIVE) != 0)
            try await onThread {
                try conn.setNoDelay(false)
                try conn.setKeepAlive(false)
                try conn.write("QUIT\n")
                #expect(try conn.readLine() == "BYE")
            }
            #expect(try await conn.stream.socketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY) == 0)
            #expect(try await conn.stream.socketOption(level: SOL_SOCKET, name: SO_KEEPALIVE) == 0)
            try await onThread { try conn.close() }
            try await server.finish()
        }
    }

    @Test("shutdown write: the peer reads end of stream, and the answer still arrives")
    func shutdownWrite() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in
                let received = try await stream.testReadToEnd()
                try await stream.write("got \(received.count) bytes: \(String(decoding: received, as: UTF8.self))")
            }
            let (reply, writeError) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.writeAll("BYE\n")
                try conn.shutdown(.write)
                try conn.shutdown(.write)  // twice is not an error
                let writeError = errorOf { try conn.write("more") }
                let reply = try conn.readUntil(0)
                try conn.close()
                return (reply, writeError)
            }
            #expect(String(decoding: reply, as: UTF8.self) == "got 4 bytes: BYE\n")
            #expect(writeError == .brokenPipe)
            try await server.finish()
        }
    }

    @Test("close after QUIT; every later call throws closed")
    func close() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, pingResponder)
            let errors = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.write("QUIT\n")
                try conn.close()
                try conn.close()  // twice is not an error
                return [
                    errorOf { _ = try conn.read(maxBytes: 1) },
                    errorOf { _ = try conn.readLine() },
                    errorOf { _ = try conn.readExact(1) },
                    errorOf { _ = try conn.readUntil(10) },
                    errorOf { _ = try conn.peek(maxBytes: 1) },
                    errorOf { try conn.write("x") },
                    errorOf { try conn.write(bytes: [1]) },
                    errorOf { try conn.writeAll("x") },
                    errorOf { try conn.setTimeout(milliseconds: 1) },
                    errorOf { try conn.setNoDelay(true) },
                    errorOf { try conn.setKeepAlive(true) },
                    errorOf { try conn.shutdown(.both) },
                ]
            }
            #expect(errors.allSatisfy { $0 == .closed })
            try await server.finish()
        }
    }
}
