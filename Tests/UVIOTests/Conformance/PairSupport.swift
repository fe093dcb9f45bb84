@testable import UVIO

/// A connected pair on loopback, both ends on `loop`: `client` connected to `server`.
func connectedPair(on loop: EventLoop) async throws -> (client: TCPStream, server: TCPStream) {
    let listener = try await TCPListener.bind(.loopbackIPv4(port: 0), on: loop)
    async let accepted = listener.accept()
    let client = try await TCPStream.connect(to: listener.localAddress, on: loop)
    let server = try await accepted
    await listener.close()
    return (client, server)
}

/// Waits, with a bounded number of yields, until `condition` holds; false if it never did.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<100_000 {
        if condition() { return true }
        await Task.yield()
    }
    return condition()
}

extension TCPStream {
    /// Whether someone (a task, a future, a reading handler) waits for bytes on this stream.
    var hasWaitingReader: Bool { core.state.withLock { !$0.readers.isEmpty } }
}

/// A waker that counts its wakes.
final class CountingWaker: Sendable {
    let count = Locked(0)
    var waker: Waker { Waker { [count] in count.withLock { $0 += 1 } } }
}
