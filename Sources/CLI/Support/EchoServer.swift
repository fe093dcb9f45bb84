import UVIO

/// Where an echo server listens, as `uvio echo` and `uvio demo` name it.
enum Endpoint: Sendable {
    case tcp(SocketAddress)
    case udp(SocketAddress)
    case unix(String)
}

/// How an echo server handles its connections; one file per style in `Sources/CLI/Echo/`.
enum EchoStyle: String, CaseIterable, Sendable {
    case async, poll, callback
}

/// A running echo server: what it listens on, and how to stop it.
struct EchoServer: Sendable {
    /// The address as the first line of `uvio echo` prints it: `127.0.0.1:54321`,
    /// `[::1]:54321`, or a socket's path.
    let address: String
    /// The bound TCP or UDP address (nil for a Unix socket).
    let socketAddress: SocketAddress?
    private let stopListening: @Sendable () async -> Void
    private let serving: Task<Void, Never>

    init(
        address: String, socketAddress: SocketAddress?, stop: @escaping @Sendable () async -> Void,
        serving: Task<Void, Never>
    ) {
        self.address = address
        self.socketAddress = socketAddress
        self.stopListening = stop
        self.serving = serving
    }

    /// Stops accepting (or receiving) and waits for the serving task to end.
    func stop() async {
        await stopListening()
        await serving.value
    }

    /// Binds `endpoint` on `loop` and starts serving in the given style.
    static func start(_ endpoint: Endpoint, style: EchoStyle, on loop: EventLoop) async throws -> EchoServer {
        switch (endpoint, style) {
        case (.tcp(let address), .async): return try await asyncTCP(address, on: loop)
        case (.unix(let path), .async): return try await asyncUnix(path, on: loop)
        case (.udp(let address), _): return try await udp(address, style: style, on: loop)
        case (.tcp(let address), .poll): return try await pollTCP(address, on: loop)
        case (.tcp(let address), .callback): return try await callbackTCP(address, on: loop)
        case (.unix, _): throw UsageError("--unix serves in the async style only")
        }
    }
}

/// A mistake in how a command was asked to run, reported without a stack of context.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
