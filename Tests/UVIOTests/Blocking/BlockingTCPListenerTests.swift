import Testing
@testable import UVIO

@Suite("Blocking: BlockingTCPListener", .timeLimit(.minutes(2)))
struct BlockingTCPListenerTests {
    @Test("TcpListener: bind, local_addr, accept, read a line, answer OK, close")
    func seedListener() async throws {
        try await withLoop { loop in
            let server = try await onThread { try BlockingTCPListener("127.0.0.1:0", on: loop) }
            #expect(server.localAddress.port != 0)
            #expect(server.localAddress.ipAddress == "127.0.0.1")
            async let serverSide = onThread("server") {
                let client = try server.accept()
                let message = try client.readLine()
                try client.write("OK\r\n")
                try client.close()
                return message
            }
            let reply = try await onThread("client") {
                let conn = try TCPClient(host: "127.0.0.1", port: server.localAddress.port, on: loop)
                try conn.writeAll("hello\n")
                defer { try? conn.close() }
                return try conn.readLine()
            }
            #expect(try await serverSide == "hello")
            #expect(reply == "OK")
            try await onThread { try server.close() }
        }
    }

    @Test("accept in a loop: received: <line>")
    func seedAccept() async throws {
        try await withLoop { loop in
            let server = try await onThread { try BlockingTCPListener("127.0.0.1:0", on: loop) }
            let port = server.localAddress.port
            async let served = onThread("server") {
                for _ in 0..<3 {
                    let conn = try server.accept()
                    let data = try conn.readLine() ?? ""
                    try conn.write("received: \(data)\n")
                    try conn.close()
                }
                try server.close()
            }
            var replies: [String?] = []
            for index in 0..<3 {
                replies.append(try await onThread("client") {
                    let conn = try TCPClient(host: "127.0.0.1", port: port, on: loop)
                    try conn.write("message \(index)\n")
                    defer { try? conn.close() }
                    return try conn.readLine()
                })
            }
            try await served
            #expect(replies == ["received: message 0", "received: message 1", "received: message 2"])
        }
    }

    @Test("addresses: 0.0.0.0, a host name, and malformed ones")
    func addresses() async throws {
        try await withLoop { loop in
            let (any, named, errors) = try await onThread {
                let any = try BlockingTCPListener("0.0.0.0:0", on: loop)
                let named = try BlockingTCPListener("localhost:0", on: loop)
                let conn = try TCPClient(host: "127.0.0.1", port: any.localAddress.port, on: loop)
                let accepted = try any.accept()
                try conn.write("x")
                #expect(try accepted.read(maxBytes: 1) == [UInt8(ascii: "x")])
                try conn.close()
                try accepted.close()
                let errors = [
                    errorOf { _ = try BlockingTCPListener("nonsense", on: loop) },
                    errorOf { _ = try BlockingTCPListener("127.0.0.1", on: loop) },
                    errorOf { _ = try BlockingTCPListener("127.0.0.1:70000", on: loop) },
                    errorOf { _ = try BlockingTCPListener("127.0.0.1:0", backlog: 0, on: loop) },
                    errorOf { _ = try BlockingTCPListener("127.0.0.1:\(any.localAddress.port)", on: loop) },
                ]
                return (any, named, errors)
            }
            #expect(any.localAddress.ipAddress == "0.0.0.0" && any.localAddress.port != 0)
            #expect(named.localAddress.port != 0)
            #expect(errors[0] == .malformedAddress && errors[1] == .malformedAddress)
            #expect(errors[2] == .portOutOfRange)
            #expect(errors[3] == .limitExceeded)
            #expect(errors[4] == .addressInUse)  // SO_REUSEADDR does not share a port that is listening
            try await onThread {
                try any.close()
                try named.close()
            }
        }
    }

    @Test("accept timeouts: fires with none waiting; a later connection stays queued")
    func acceptTimeout() async throws {
        try await withLoop { loop in
            let (error, elapsed, accepted) = try await onThread {
                let server = try BlockingTCPListener("127.0.0.1:0", on: loop)
                defer { try? server.close() }
                let start = ContinuousClock.now
                let error = errorOf { _ = try server.accept(timeoutMilliseconds: 100) }
                let elapsed = ContinuousClock.now - start
                let conn = try TCPClient(host: "127.0.0.1", port: server.localAddress.port, on: loop)
                let accepted = try server.accept(timeoutMilliseconds: 5000)
                try conn.close()
                try accepted.close()
                #expect(errorOf { _ = try server.accept(timeoutMilliseconds: -1) } == .invalidArgument)
                return (error, elapsed, accepted.localAddress.port == server.localAddress.port)
            }
            #expect(error == .timedOut)
            #expect(elapsed >= .milliseconds(90) && elapsed < .seconds(5))
            #expect(accepted)
        }
    }

    @Test("close wakes a waiting accept with closed; accept after close throws closed")
    func closeWakesAccept() async throws {
        try await withLoop { loop in
            let server = try await onThread { try BlockingTCPListener("127.0.0.1:0", on: loop) }
            async let waiting = onThread("acceptor") { errorOf { _ = try server.accept() } }
            try await waitUntil("a thread waits in accept") {
                server.listener.core.state.withLock { !$0.acceptors.isEmpty }
            }
            let after = try await onThread {
                try server.close()
                try server.close()  // twice is not an error
                return errorOf { _ = try server.accept() }
            }
            #expect(try await waiting == .closed)
            #expect(after == .closed)
        }
    }

    @Test("called on the loop thread, accept and close throw wrongThread")
    func wrongThread() async throws {
        try await withLoop { loop in
            let server = try await onThread { try BlockingTCPListener("127.0.0.1:0", on: loop) }
            let errors = try await onLoop(loop) {
                [errorOf { _ = try server.accept() }, errorOf { _ = try server.accept(timeoutMilliseconds: 1) },
                 errorOf { try server.close() }]
            }
            #expect(errors.allSatisfy { $0 == .wrongThread })
            try await onThread { try server.close() }
        }
    }
}
