internal import CLibUV

/// A Unix domain socket that listens for connections: the pipe counterpart of `TCPListener`.
///
/// Connections are accepted in the background into a bounded queue; `accept()` takes the next
/// one, and `connections` is the same as an `AsyncSequence`.
///
/// ```swift
/// let listener = try await PipeListener.bind(path: "/tmp/echo.sock")
/// for try await stream in listener.connections {
///     Task { _ = try await copy(from: stream, to: stream); await stream.close() }
/// }
/// ```
///
/// libuv removes the socket file when the listener closes. A listener that is dropped without
/// `close()` closes its socket.
public final class PipeListener: Sendable {
    let core: PipeListenerCore
    /// The path the listener is bound to. The corresponding libuv call is `uv_pipe_getsockname`.
    public let path: String

    private init(core: PipeListenerCore, path: String) {
        self.core = core
        self.path = path
    }

    deinit {
        core.closeSoon()
    }

    /// The loop that owns the listener and the streams it accepts.
    public var loop: EventLoop { core.loop }

    /// Creates the socket file at `path` and starts listening.
    ///
    /// - Parameters:
    ///   - path: where to create the socket; it must not exist yet (at most 107 bytes on Linux).
    ///   - backlog: the kernel's queue of connections not yet accepted (`listen(2)`).
    ///   - loop: the loop that will own the listener and its streams.
    /// - Throws: `UVError.addressInUse` when `path` exists; `UVError.limitExceeded` for a backlog
    ///   under 1; `UVError.loopShutDown`.
    /// The corresponding libuv calls are `uv_pipe_bind` and `uv_listen`.
    public static func bind(path: String, backlog: Int = 511, on loop: EventLoop = .shared) async throws -> PipeListener
    {
        guard backlog >= 1, backlog <= Int(Int32.max) else {
            throw UVError.limitExceeded.with(context: "backlog \(backlog) must be 1 or more")
        }
        let core = PipeListenerCore(loop: loop, queueLimit: min(backlog, 1024))
        return try await core.perform { () throws -> PipeListener in
            do {
                try PipeHandle.initialize(core)
                try UVError.check(uv_pipe_bind(PipeHandle.pipe(core), path), "bind \(path)")
                try core.listen(backlog: Int32(backlog))
                return PipeListener(core: core, path: PipeHandle.localPath(core))
            } catch {
                core.close()
                throw error
            }
        }
    }

    /// Waits for the next connection and returns it.
    ///
    /// ## Cancellation
    /// A cancelled accept throws `CancellationError`; a connection that arrives meanwhile stays
    /// queued for the next accept.
    /// - Throws: `UVError.closed` once the listener is closed; `CancellationError`.
    public func accept() async throws -> PipeStream {
        try await core.accept()
    }

    /// The accepted connections as an asynchronous sequence; it ends when the listener closes.
    public var connections: Connections { Connections(listener: self) }

    /// An `AsyncSequence` of accepted streams; see `connections`.
    public struct Connections: AsyncSequence, Sendable {
        let listener: PipeListener

        public func makeAsyncIterator() -> Iterator { Iterator(listener: listener) }

        public struct Iterator: AsyncIteratorProtocol {
            let listener: PipeListener

            public mutating func next() async throws -> PipeStream? {
                do {
                    return try await listener.accept()
                } catch UVError.closed {
                    return nil
                }
            }
        }
    }

    /// Stops listening, removes the socket file and closes streams that nobody accepted; pending
    /// accepts end with `UVError.closed`. Closing twice is not an error.
    /// The corresponding libuv call is `uv_close`.
    public func close() async {
        await core.close()
    }
}

extension PipeListener: CustomStringConvertible {
    public var description: String { "PipeListener(\(path))" }
}
