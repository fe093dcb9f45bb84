import Synchronization
import UVIO
import UVIOEchoes

// 64-byte UDP round trips with both ends in one façade: a client socket connected to an echo
// socket (the side-by-side server's code), on one loop. Made in a benchmark's setup, closed in
// its teardown.

/// A style of UDP round trip, with its client side.
enum UDPStyle: String {
    case async, callback, poll
}

struct UDPPair: Sendable {
    let server: UDPSocket
    let client: UDPSocket
    let callbackClient: CallbackClient?
    let pollClient: PollClient?
}

let udpPair = Mutex<UDPPair?>(nil)

/// Binds an echo socket in `style` on 127.0.0.1 and connects a client socket to it.
func startUDPPair(_ style: UDPStyle) async throws {
    let server = try await UDPSocket.bind(SocketAddress(parsing: "127.0.0.1:0"), on: loop)
    switch style {
    case .async: Task(executorPreference: loop) { try await echoDatagrams(server) }
    case .callback: try await echoDatagramsWithCallbacks(server)
    case .poll: try loop.execute { PollDatagramEcho(server).poll() }
    }
    let client = try await UDPSocket.connect(to: server.localAddress, on: loop)
    var callbackClient: CallbackClient?
    if style == .callback {
        let driver = CallbackClient(client)
        try await client.onReceive { result in
            if case .success = result { driver.received() }
        }
        callbackClient = driver
    }
    let pollClient = style == .poll ? PollClient(client) : nil
    udpPair.withLock {
        $0 = UDPPair(server: server, client: client, callbackClient: callbackClient, pollClient: pollClient)
    }
}

func stopUDPPair() async {
    guard let pair = udpPair.withLock({ $0.take() }) else { return }
    await pair.client.close()
    await pair.server.close()
}

/// `count` round trips with `send` and `receive(into:)`, in a task on the loop.
func asyncRoundTrips(_ client: UDPSocket, _ count: Int) async {
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
final class CallbackClient: @unchecked Sendable {
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
        if remaining > 0 { send() } else { done?.resume(); done = nil }
    }
}

/// The poll client: `pollSend` then `pollReceive`, `count` times; the waker queues the next
/// `poll()` on the loop.
///
/// Safe as `@unchecked Sendable`: its state is touched only in `poll()`, on the loop thread. Its
/// waker holds it strongly, so it lives as long as the process.
final class PollClient: @unchecked Sendable {
    let socket: UDPSocket
    let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
    var context = Context(waker: .noop)
    var remaining = 0
    var sending = true
    var done: CheckedContinuation<Void, Never>?

    init(_ socket: UDPSocket) {
        self.socket = socket
        message.initializeMemory(as: UInt8.self, repeating: 0x78)
        context = Context(waker: Waker { [self] in try? socket.loop.execute { self.poll() } })
    }

    func roundTrips(_ count: Int) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            try! loop.execute {
                self.remaining = count
                self.done = done
                self.poll()
            }
        }
    }

    func poll() {
        while remaining > 0 {
            if sending {
                guard case .ready = try! socket.pollSend(&context, UnsafeRawBufferPointer(message)) else { return }
                sending = false
            }
            guard case .ready = try! socket.pollReceive(&context, into: message) else { return }
            sending = true
            remaining -= 1
        }
        done?.resume()
        done = nil
    }
}
