import Synchronization
import UVIO
import UVIOEchoes

// 64-byte UDP round trips with both ends in one façade: a client socket connected to an echo
// socket (the side-by-side server's code), on one loop. Made in a benchmark's setup, closed in
// its teardown.

struct UDPPair: Sendable {
    let server: UDPSocket
    let client: UDPSocket
    let callbackClient: UDPCallbackClient?
}

let udpPair = Mutex<UDPPair?>(nil)

/// Binds an echo socket in `style` on 127.0.0.1 and connects a client socket to it.
func startUDPPair(_ style: Style) async throws {
    let server = try await UDPSocket.bind(SocketAddress(parsing: "127.0.0.1:0"), on: loop)
    switch style {
    case .async: Task(executorPreference: loop) { try await echoDatagrams(server) }
    case .callback: try await echoDatagramsWithCallbacks(server)
    case .poll: FutureExecutor.spawn(PollDatagramEcho(server), on: loop)
    }
    let client = try await UDPSocket.connect(to: server.localAddress, on: loop)
    var callbackClient: UDPCallbackClient?
    if style == .callback {
        let driver = UDPCallbackClient(client)
        try await client.onReceive(borrowing: { event in
            if case .datagram = event { driver.received() }
        })
        callbackClient = driver
    }
    udpPair.withLock { $0 = UDPPair(server: server, client: client, callbackClient: callbackClient) }
}

func stopUDPPair() async {
    guard let pair = udpPair.withLock({ $0.take() }) else { return }
    await pair.client.close()
    await pair.server.close()
}

/// `count` round trips with `send` and `receive(into:)`, in a task on the loop.
func asyncRoundTrips(udp client: UDPSocket, _ count: Int) async {
    await Task(executorPreference: loop) {
        let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
        defer { message.deallocate() }
        message.initializeMemory(as: UInt8.self, repeating: 0x78)
        for _ in 0..<count {
            try! await client.send(UnsafeRawBufferPointer(message))
            _ = try! await client.receive(into: message)
        }
    }.value
}

/// The callback client: sends the next datagram from the receive handler of the last one.
///
/// Safe as `@unchecked Sendable`: its state is touched only on the loop thread (in `start`, run
/// through `loop.execute`, and in the receive handler).
final class UDPCallbackClient: @unchecked Sendable {
    let socket: UDPSocket
    let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
    var remaining = 0
    var done: CheckedContinuation<Void, Never>?

    init(_ socket: UDPSocket) {
        self.socket = socket
        message.initializeMemory(as: UInt8.self, repeating: 0x78)
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
        socket.send(UnsafeRawBufferPointer(message), to: nil) { _ in }
    }

    func received() {
        remaining -= 1
        if remaining > 0 {
            send()
        } else {
            done?.resume()
            done = nil
        }
    }
}

/// `count` round trips as one hand-written future: `pollSend`, then `pollReceive`, again.
struct UDPPingPong: Future {
    let socket: UDPSocket
    var remaining: Int
    let message = MessageBuffer()
    var sending = true

    mutating func poll(_ context: inout Context) throws -> Poll<Void> {
        while remaining > 0 {
            if sending {
                guard case .ready = try socket.pollSend(&context, UnsafeRawBufferPointer(message.bytes)) else {
                    return .pending
                }
                sending = false
            }
            guard case .ready = try socket.pollReceive(&context, into: message.bytes) else { return .pending }
            sending = true
            remaining -= 1
        }
        return .ready(())
    }
}
