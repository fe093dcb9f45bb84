import Synchronization
import UVIO

// The connection of the round-trip benchmark, made in its setup and closed in its teardown.
let echoClient = Mutex<TCPStream?>(nil)
let echoListener = Mutex<TCPListener?>(nil)

/// Binds an echo server on 127.0.0.1 (a task preferring the loop, echoing one connection) and
/// connects a client to it, with `TCP_NODELAY` on both ends.
func startEchoPair() async throws {
    let listener = try await TCPListener.bind(SocketAddress(parsing: "127.0.0.1:0"), on: loop)
    Task(executorPreference: loop) {
        let stream = try await listener.accept()
        try await stream.setNoDelay(true)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try await stream.read(into: buffer)
            if count == 0 { break }
            try await stream.writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        await stream.close()
    }
    let client = try await TCPStream.connect(to: listener.localAddress, on: loop)
    try await client.setNoDelay(true)
    echoClient.withLock { $0 = client }
    echoListener.withLock { $0 = listener }
}

/// Closes the client (the server's task then ends) and the listener.
func stopEchoPair() async {
    await echoClient.withLock { $0.take() }?.close()
    await echoListener.withLock { $0.take() }?.close()
}
