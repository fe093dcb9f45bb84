@testable import UVIO
#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` on a new plain thread and hands its result back to the awaiting test.
///
/// Blocking calls must never run on the cooperative pool: a blocked pool thread can starve
/// swift-testing itself. The test task suspends (it does not block) until the thread is done.
func onThread<R: Sendable>(
    _ name: String = "blocking-test", _ body: @escaping @Sendable () throws -> R
) async throws -> R {
    try await withCheckedThrowingContinuation { continuation in
        LoopThread.startDetached(name: name) { continuation.resume(with: Result { try body() }) }
    }
}

/// The error a blocking call throws, for `#expect(error == …)` on a plain thread.
func errorOf(_ body: () throws -> Void) -> UVError? {
    do {
        try body()
        return nil
    } catch let error as UVError {
        return error
    } catch {
        return UVError(code: -1, context: "not a UVError: \(error)")
    }
}

/// A server on 127.0.0.1 (port 0) that serves `connections` connections, each with `handler`
/// concurrently, then closes its listener: every server stops by itself.
struct TestServer {
    let port: Int
    let task: Task<Void, any Error>

    static func start(
        on loop: EventLoop, connections: Int = 1, _ handler: @escaping @Sendable (TCPStream) async throws -> Void
    ) async throws -> TestServer {
        let listener = try await TCPListener.bind(SocketAddress(parsing: "127.0.0.1:0"), on: loop)
        let task = Task(executorPreference: loop) {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<connections {
                        let stream = try await listener.accept()
                        group.addTask {
                            do {
                                try await handler(stream)
                            } catch {
                                await stream.close()
                                throw error
                            }
                            await stream.close()
                        }
                    }
                    try await group.waitForAll()
                }
            } catch {
                await listener.close()
                throw error
            }
            await listener.close()
        }
        return TestServer(port: listener.localAddress.port, task: task)
    }

    /// Waits for the server to finish, rethrowing a handler's error.
    func finish() async throws { try await task.value }
}

extension TCPStream {
    /// Reads a line without its `\n` / `\r\n`, or nil at end of stream (server side of tests).
    func testReadLine() async throws -> String? {
        var line: [UInt8] = []
        while true {
            let (done, ended) = try await consumeBuffered { available -> (consumed: Int, result: (Bool, Bool)) in
                if let index = available.firstIndex(of: 10) {
                    line.append(contentsOf: available[..<index])
                    return (index + 1, (true, false))
                }
                line.append(contentsOf: available)
                return (available.count, (false, available.isEmpty))
            }
            if done || (ended && !line.isEmpty) { break }
            if ended { return nil }
        }
        if line.last == 13 { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }

    /// Reads until end of stream.
    func testReadToEnd() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let chunk = try await read(maxBytes: 64 * 1024)
            if chunk.isEmpty { return bytes }
            bytes += chunk
        }
    }
}

/// The PING/HELLO/QUIT responder of the seed's examples: PING → PONG, HELLO → WORLD, QUIT → BYE
/// and close, anything else → "ECHO <line>".
func pingResponder(_ stream: TCPStream) async throws {
    while let line = try await stream.testReadLine() {
        switch line {
        case "PING": try await stream.write("PONG\r\n")
        case "HELLO": try await stream.write("WORLD\n")
        case "QUIT":
            try await stream.write("BYE\n")
            return
        default: try await stream.write("ECHO \(line)\n")
        }
    }
}

/// A gate that a server waits at until a test (on any thread) opens it.
struct Gate: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() { (stream, continuation) = AsyncStream<Void>.makeStream() }

    func open() { continuation.finish() }

    func wait() async {
        for await _ in stream {}
    }
}

/// Waits (bounded) until `condition` holds, checking every millisecond; for states that no event
/// announces, such as "a blocking reader is waiting".
func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
    for _ in 0..<10_000 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(1))
    }
    throw UVError.timedOut.with(context: "waiting until \(what)")
}

extension TCPClient {
    /// Whether a thread is blocked reading this client with nothing buffered.
    var hasWaitingReader: Bool {
        stream.core.state.withLock { !$0.readers.isEmpty && $0.buffer.isEmpty }
    }
}
