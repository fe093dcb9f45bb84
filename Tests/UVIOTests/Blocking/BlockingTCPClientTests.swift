import Testing
@testable import UVIO
internal import CLibUV

/// The blocking client beyond the seed's examples: timeouts, chunk boundaries, limits, threads.
@Suite("Blocking: TCPClient", .timeLimit(.minutes(2)))
struct BlockingTCPClientTests {
    @Test("a read timeout fires, consumes nothing, and the connection stays usable")
    func readTimeoutFires() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in
                try await stream.write("par")
                guard try await stream.testReadLine() == "GO" else { return }
                try await stream.write("tial\n")
            }
            let (lineError, exactError, elapsed, peeked, line) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.setTimeout(milliseconds: 100)
                let start = uv_hrtime()
                let lineError = errorOf { _ = try conn.readLine() }
                let elapsed = uv_hrtime() - start
                let exactError = errorOf { _ = try conn.readExact(10) }
                let peeked = try conn.peek(maxBytes: 3)
                try conn.write("GO\n")
                let line = try conn.readLine()
                try conn.close()
                return (lineError, exactError, elapsed, peeked, line)
            }
            #expect(lineError == .timedOut)
            #expect(exactError == .timedOut)
            #expect(elapsed >= 90_000_000 && elapsed < 5_000_000_000)
            #expect(peeked == Array("par".utf8))
            #expect(line == "partial")  // the bytes of the timed-out calls were not lost
            try await server.finish()
        }
    }

    @Test("a timeout that does not fire, and 0 disables the timeout")
    func timeoutsThatDoNotFire() async throws {
        try await withLoop { loop in
            let client = Locked<TCPClient?>(nil)
            let server = try await TestServer.start(on: loop) { stream in
                try await waitUntil("the client waits") { client.value?.hasWaitingReader ?? false }
                try await loop.sleep(for: .milliseconds(30))  // longer than the disabled 1 ms timeout
                try await stream.write("late\n")
            }
            let line = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.setTimeout(milliseconds: 1)
                try conn.setTimeout(milliseconds: 0)
                #expect(conn.readTimeoutMilliseconds == 0 && conn.writeTimeoutMilliseconds == 0)
                client.withLock { $0 = conn }
                let line = try conn.readLine()
                try conn.close()
                return line
            }
            #expect(line == "late")
            try await server.finish()
        }
    }

    @Test("a write timeout fires; the bytes stay queued and the connection stays usable")
    func writeTimeoutFires() async throws {
        try await withLoop { loop in
            let gate = Gate()
            let server = try await TestServer.start(on: loop) { stream in
                await gate.wait()  // read nothing until the writer has timed out
                let received = try await stream.testReadToEnd()
                try await stream.write("\(received.count)\n")
            }
            let payload = [UInt8](repeating: 7, count: 32 * 1024 * 1024)
            let (error, count) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.setWriteTimeout(milliseconds: 200)
                let error = errorOf { try conn.writeAll(payload) }
                gate.open()
                try conn.setWriteTimeout(milliseconds: 0)
                try conn.write("!")  // queued after the timed-out write, sent after it
                try conn.shutdown(.write)
                let count = try conn.readLine()
                try conn.close()
                return (error, count)
            }
            #expect(error == .timedOut)
            #expect(count == "\(payload.count + 1)")
            try await server.finish()
        }
    }

    @Test("read_until and read_line across chunk boundaries")
    func acrossChunkBoundaries() async throws {
        try await withLoop { loop in
            let client = Locked<TCPClient?>(nil)
            let server = try await TestServer.start(on: loop) { stream in
                for chunk in ["ab", "cd", "\nef\r", "\ngh"] {
                    // Each chunk arrives only once the reader has taken the previous one and waits.
                    try await waitUntil("the client waits") { client.value?.hasWaitingReader ?? false }
                    try await stream.write(chunk)
                }
            }
            let (first, second, third) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                client.withLock { $0 = conn }
                let result = (try conn.readUntil(10), try conn.readLine(), try conn.readLine())
                try conn.close()
                return result
            }
            #expect(first == Array("abcd\n".utf8))
            #expect(second == "ef")
            #expect(third == "gh")
            try await server.finish()
        }
    }

    @Test("lines longer than the receive buffer's high watermark")
    func longLines() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in
                try await stream.write([UInt8](repeating: UInt8(ascii: "a"), count: 600_000) + [10])
                try await stream.write([UInt8](repeating: UInt8(ascii: "b"), count: 300_000) + [0])
            }
            let (line, until) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                let result = (try conn.readLine(maxLength: 1 << 20), try conn.readUntil(0))
                try conn.close()
                return result
            }
            #expect(line?.utf8.count == 600_000)
            #expect(until.count == 300_001 && until.last == 0)
            try await server.finish()
        }
    }

    @Test("read_line's limit: too long a line throws limitExceeded and stays to be read")
    func readLineLimit() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in
                try await stream.write("too long a line\n12345\r\nf")
                try await stream.write([0xFF, 0x6F, 10] as [UInt8])
            }
            let (error, lines, untilError) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                let error = errorOf { _ = try conn.readLine(maxLength: 5) }
                let lines = [try conn.readLine(), try conn.readLine(maxLength: 5), try conn.readLine()]
                let untilError = errorOf { _ = try conn.readUntil(10, maxLength: 0) }
                try conn.close()
                return (error, lines, untilError)
            }
            #expect(error == .limitExceeded)
            // Invalid UTF-8 decodes with a replacement character.
            #expect(lines == ["too long a line", "12345", "f\u{FFFD}o"])
            #expect(untilError == nil || untilError == .limitExceeded)
            try await server.finish()
        }
    }

    @Test("shutdown read: later reads return end of stream; writes still work")
    func shutdownRead() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop) { stream in
                try await stream.write("dropped\n")
                let received = try await stream.testReadToEnd()
                #expect(received == Array("still writing".utf8))
            }
            let (read, line) = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                try conn.shutdown(.read)
                let result = (try conn.read(maxBytes: 10), try conn.readLine())
                try conn.write("still writing")
                try conn.shutdown(.both)
                try conn.close()
                return result
            }
            #expect(read.isEmpty)
            #expect(line == nil)
            try await server.finish()
        }
    }

    @Test("bad arguments throw named errors")
    func badArguments() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, pingResponder)
            let closedPort = try await {
                let listener = try await TCPListener.bind(SocketAddress(parsing: "127.0.0.1:0"), on: loop)
                await listener.close()
                return listener.localAddress.port
            }()
            let errors = try await onThread {
                var errors = [
                    errorOf { _ = try TCPClient(host: "127.0.0.1", port: 70000, on: loop) },
                    errorOf { _ = try TCPClient(host: "127.0.0.1", port: -1, on: loop) },
                    errorOf {
                        _ = try TCPClient.connect(
                            host: "127.0.0.1", port: server.port, timeoutMilliseconds: -1, on: loop)
                    },
                    errorOf { _ = try TCPClient(host: "127.0.0.1", port: closedPort, on: loop) },
                    errorOf { _ = try TCPClient(host: "", port: 80, on: loop) },
                ]
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                errors += [
                    errorOf { _ = try conn.read(maxBytes: -1) },
                    errorOf { _ = try conn.readExact(-1) },
                    errorOf { _ = try conn.peek(maxBytes: -1) },
                    errorOf { _ = try conn.readLine(maxLength: -1) },
                    errorOf { _ = try conn.readUntil(10, maxLength: -1) },
                    errorOf { try conn.setTimeout(milliseconds: -5) },
                    errorOf { try conn.setKeepAlive(true, delaySeconds: 0) },
                ]
                #expect(try conn.read(maxBytes: 0).isEmpty)
                #expect(try conn.readExact(0).isEmpty)
                #expect(try conn.write("") == 0)
                try conn.write("QUIT\n")
                #expect(try conn.readLine() == "BYE")
                try conn.close()
                return errors
            }
            #expect(errors[0] == .portOutOfRange && errors[1] == .portOutOfRange)
            #expect(errors[2] == .invalidArgument)
            #expect(errors[3] == .connectionRefused)
            #expect(errors[4] == .malformedAddress)
            #expect(errors[5...9].allSatisfy { $0 == .limitExceeded })
            #expect(errors[10] == .invalidArgument && errors[11] == .invalidArgument)
            try await server.finish()
        }
    }

    @Test("called on the loop thread, blocking calls throw wrongThread instead of deadlocking")
    func wrongThread() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, pingResponder)
            let conn = try await onThread { try TCPClient(host: "127.0.0.1", port: server.port, on: loop) }
            let errors = try await onLoop(loop) {
                [
                    errorOf { _ = try TCPClient(host: "127.0.0.1", port: server.port, on: loop) },
                    errorOf {
                        _ = try TCPClient.connect(
                            host: "127.0.0.1", port: server.port, timeoutMilliseconds: 10, on: loop)
                    },
                    errorOf { _ = try conn.read(maxBytes: 1) },
                    errorOf { _ = try conn.readLine() },
                    errorOf { _ = try conn.peek(maxBytes: 1) },
                    errorOf { try conn.write("PING\n") },
                    errorOf { try conn.setNoDelay(true) },
                    errorOf { try conn.shutdown(.write) },
                    errorOf { try conn.close() },
                    errorOf { _ = try BlockingTCPListener("127.0.0.1:0", on: loop) },
                ]
            }
            #expect(errors.allSatisfy { $0 == .wrongThread })
            let reply = try await onThread {
                try conn.write("QUIT\n")  // still usable from a plain thread
                defer { try? conn.close() }
                return try conn.readLine()
            }
            #expect(reply == "BYE")
            try await server.finish()
        }
    }

    @Test("32 threads with a client each share one loop")
    func manyThreads() async throws {
        let threads = 32
        let rounds = 20
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, connections: threads, pingResponder)
            let pongs = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<threads {
                    group.addTask {
                        try await onThread("client-\(index)") {
                            let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                            try conn.setTimeout(milliseconds: 30_000)
                            var pongs = 0
                            for _ in 0..<rounds {
                                try conn.write("PING\n")
                                if try conn.readLine() == "PONG" { pongs += 1 }
                            }
                            try conn.write("QUIT\n")
                            #expect(try conn.readLine() == "BYE")
                            try conn.close()
                            return pongs
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(pongs == threads * rounds)
            try await server.finish()
        }
    }

    @Test("clients on the shared default loop")
    func sharedLoop() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, connections: 4, pingResponder)
            let replies = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await onThread {
                            let conn = try TCPClient(host: "127.0.0.1", port: server.port)  // EventLoop.shared
                            #expect(conn.loop === EventLoop.shared)
                            try conn.write("QUIT\n")
                            defer { try? conn.close() }
                            return try conn.readLine()
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies == ["BYE", "BYE", "BYE", "BYE"])
            try await server.finish()
        }
    }

    @Test("a client or listener dropped without close() closes its handle")
    func droppedWithoutClose() async throws {
        try await withLoop { loop in
            let server = try await TestServer.start(on: loop, pingResponder)
            let reply = try await onThread {
                let conn = try TCPClient(host: "127.0.0.1", port: server.port, on: loop)
                _ = try BlockingTCPListener("127.0.0.1:0", on: loop)
                try conn.write("QUIT\n")
                return try conn.readLine()  // `conn` is dropped here, unclosed
            }
            #expect(reply == "BYE")
            try await server.finish()
            var open = -1
            for _ in 0..<1_000 where open != 0 {
                open = try await onLoop(loop) { loop.openResourceCount }
                if open != 0 { try await Task.sleep(for: .milliseconds(1)) }
            }
            #expect(open == 0)
        }
    }
}
