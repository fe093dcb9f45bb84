import Synchronization
import UVIO
import UVIOEchoes

// The connection of the round-trip benchmark, made in its setup and closed in its teardown.
let echoClient = Mutex<TCPStream?>(nil)
let echoListener = Mutex<TCPListener?>(nil)

/// Binds an echo server on 127.0.0.1 (a task preferring the loop, echoing one connection, the
/// side-by-side server's code) and connects a client to it, with `TCP_NODELAY` on both ends.
func startEchoPair() async throws {
    let listener = try await TCPListener.bind(SocketAddress(parsing: "127.0.0.1:0"), on: loop)
    Task(executorPreference: loop) { await echo(try await listener.accept()) }
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
