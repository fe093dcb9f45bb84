import Synchronization
import UVIO
import UVIOEchoes

// 64-byte TCP round trips with both ends in one façade, on one loop: a client connected to an
// echo server (the side-by-side server's code). Made in a benchmark's setup, closed in its teardown.

/// The façade both ends of a round trip use.
enum Style {
    case async, callback, poll
}

struct TCPPair: Sendable {
    let listener: TCPListener
    let client: TCPStream
    let callbackClient: TCPCallbackClient?
}

let tcpPair = Mutex<TCPPair?>(nil)

/// Binds an echo server in `style` on 127.0.0.1 and connects a client with `TCP_NODELAY`.
func startTCPPair(_ style: Style) async throws {
    let listener = try await TCPListener.bind(SocketAddress(parsing: "127.0.0.1:0"), on: loop)
    switch style {
    case .async: Task(executorPreference: loop) { try await serve(listener, onLoop: true) }
    case .callback: serveWithCallbacks(listener)
    case .poll: FutureExecutor.spawn(PollAcceptLoop(listener), on: loop)
    }
    let client = try await TCPStream.connect(to: listener.localAddress, on: loop)
    try await client.setNoDelay(true)
    let callbackClient = style == .callback ? TCPCallbackClient(client) : nil
    tcpPair.withLock { $0 = TCPPair(listener: listener, client: client, callbackClient: callbackClient) }
}

/// Closes the client (the server's echo then ends) and the listener.
func stopTCPPair() async {
    guard let pair = tcpPair.withLock({ $0.take() }) else { return }
    await pair.client.close()
    await pair.listener.close()
}

/// `count` round trips with `writeAll` and `readExact(into:)`, in a task on the loop.
func asyncRoundTrips(_ client: TCPStream, _ count: Int) async {
    await Task(executorPreference: loop) {
        let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
        defer { message.deallocate() }
        message.initializeMemory(as: UInt8.self, repeating: 0x78)
        for _ in 0..<count {
            try! await client.writeAll(UnsafeRawBufferPointer(message))
            try! await client.readExact(into: message)
        }
    }.value
}

/// `count` round trips as one hand-written future: `pollWrite` 64 bytes, `pollRead` until the
/// 64 bytes are back, again.
struct TCPPingPong: Future {
    let stream: TCPStream
    var remaining: Int
    let message = MessageBuffer()
    var written = 0
    var received = 0

    mutating func poll(_ context: inout Context) throws -> Poll<Void> {
        while remaining > 0 {
            while written < 64 {
                let bytes = UnsafeRawBufferPointer(rebasing: message.bytes[written...])
                guard case .ready(let count) = try stream.pollWrite(&context, bytes) else { return .pending }
                written += count
            }
            while received < 64 {
                let space = UnsafeMutableRawBufferPointer(rebasing: message.bytes[received...])
                guard case .ready(let count) = try stream.pollRead(&context, into: space) else { return .pending }
                precondition(count > 0, "the echo server closed")
                received += count
            }
            written = 0
            received = 0
            remaining -= 1
        }
        return .ready(())
    }
}

/// The callback client: writes the next message from the reading handler once the last is back.
///
/// Safe as `@unchecked Sendable`: its state is touched only on the loop thread (in `roundTrips`'
/// job and in the handlers).
final class TCPCallbackClient: @unchecked Sendable {
    let stream: TCPStream
    let message = MessageBuffer()
    var remaining = 0
    var received = 0
    var done: CheckedContinuation<Void, Never>?

    init(_ stream: TCPStream) {
        self.stream = stream
        stream.startReading { [self] event in
            guard case .data(let bytes) = event else { return }
            received += bytes.count
            guard received == 64 else { return }
            received = 0
            remaining -= 1
            if remaining > 0 {
                send()
            } else {
                done?.resume()
                done = nil
            }
        }
    }

    func roundTrips(_ count: Int) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            try! loop.execute {
                self.remaining = count
                self.done = done
                self.send()
            }
        }
    }

    func send() {
        stream.write(UnsafeRawBufferPointer(message.bytes)) { _ in }
    }
}

/// 64 bytes of 'x' that a client owns.
final class MessageBuffer: @unchecked Sendable {
    // Safe: used by one client at a time, on the loop thread.
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
    init() { bytes.initializeMemory(as: UInt8.self, repeating: 0x78) }
    deinit { bytes.deallocate() }
}
