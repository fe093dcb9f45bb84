/// The connections a listener accepts, as a poll-style stream: the seed's `incoming`.
///
/// `pollNext(_:)` gives the next connection, or nil once the listener is closed. `forEach(_:)`
/// turns the stream into a future that runs a body for each connection, as in the seed:
///
/// ```swift
/// let server = listener.incoming().forEach { socket in
///     let connection = ReadExact(socket, [UInt8](repeating: 0, count: 5))
///         .flatMap { socket, buffer in WriteAll(socket, buffer) }
///         .then { _ in Ready(()) }  // discard the socket, the buffer and any error
///     FutureExecutor.spawn(connection, on: socket.loop)  // a new task per connection
/// }
/// FutureExecutor.spawn(server, on: listener.loop)
/// ```
public struct Incoming {
    /// The listener whose connections this stream gives.
    public let listener: TCPListener

    init(listener: TCPListener) {
        self.listener = listener
    }

    /// Takes the next connection without blocking.
    ///
    /// - Returns: `.ready(stream)`; `.ready(nil)` once the listener is closed; or `.pending` with
    ///   the waker stored (see `TCPListener.pollAccept(_:)`).
    /// - Throws: the error that ended accepting, other than closing.
    public func pollNext(_ context: inout Context) throws -> Poll<TCPStream?> {
        do {
            return try listener.pollAccept(&context).map { $0 }
        } catch UVError.closed {
            return .ready(nil)
        }
    }

    /// Returns a future that calls `body` with each connection and is ready once the listener is
    /// closed.
    ///
    /// - Parameter body: runs on the thread that polls (the loop, under `FutureExecutor`); keep it
    ///   short, spawning a future per connection. What it throws ends the future with that error.
    public func forEach(_ body: @escaping (TCPStream) throws -> Void) -> ForEach {
        ForEach(incoming: self, body: body)
    }

    /// A future that runs a body for each connection: made by `Incoming.forEach(_:)`.
    public struct ForEach: Future {
        let incoming: Incoming
        let body: (TCPStream) throws -> Void

        public mutating func poll(_ context: inout Context) throws -> Poll<Void> {
            while true {
                guard case .ready(let next) = try incoming.pollNext(&context) else { return .pending }
                guard let stream = next else { return .ready(()) }
                try body(stream)
            }
        }
    }
}
