internal import CLibUV

/// A Unix domain stream socket (or a pipe opened from a descriptor): bytes in both directions,
/// read and written asynchronously, on the same stream core as `TCPStream`.
///
/// Get one with `PipeStream.connect(path:on:)` or from a `PipeListener`. Reads come from the
/// core's receive buffer, writes return once libuv has written the bytes, and every helper of
/// `AsyncBufferedByteReader` and `AsyncByteWriter` (`readExact`, `readLine`, `writeAll`,
/// `copy(from:to:)` …) works on it.
///
/// ```swift
/// let stream = try await PipeStream.connect(path: "/tmp/echo.sock")
/// try await stream.writeAll("PING\n")
/// let reply = try await stream.readLine()
/// await stream.close()
/// ```
///
/// A stream that is dropped without `close()` closes its socket.
///
/// ## Threading
/// Every method may be called from any task or thread.
public final class PipeStream: Sendable {
    @usableFromInline let core: StreamCore
    /// The path this end is bound to: the listener's path for an accepted stream, empty for a
    /// client. The corresponding libuv call is `uv_pipe_getsockname`.
    public let localPath: String
    /// The path of the other end: the listener's path for a client, usually empty for an accepted
    /// stream. The corresponding libuv call is `uv_pipe_getpeername`.
    public let peerPath: String

    /// Wraps a connected (or opened) core; on the loop thread, right after connect, accept or open.
    init(connected core: StreamCore) {
        self.core = core
        localPath = PipeHandle.localPath(core)
        peerPath = PipeHandle.peerPath(core)
        core.startReading()
    }

    deinit {
        core.closeSoon()
    }

    /// The loop that owns the stream.
    public var loop: EventLoop { core.loop }

    /// Connects to the Unix domain socket at `path`.
    ///
    /// A local connect completes at once or fails at once, so it has no timeout and is not
    /// cancelled: a cancelled task still gets its stream (or the error).
    /// - Throws: `UVError.connectionRefused` when nobody listens at `path`; libuv's `ENOENT` when
    ///   there is no such socket; `UVError.loopShutDown`.
    /// The corresponding libuv call is `uv_pipe_connect`.
    public static func connect(path: String, on loop: EventLoop = .shared) async throws -> PipeStream {
        let core = StreamCore(loop: loop, size: PipeHandle.size)
        return try await withThrowingHandOff { (continuation: HandOff<PipeStream, any Error>) in
            do {
                try core.onLoop {
                    do {
                        try PipeHandle.initialize(core)
                    } catch {
                        return continuation.resume(throwing: error)
                    }
                    let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
                    request.pointee.data = Unmanaged.passRetained(ConnectCompletion(core, path, continuation))
                        .toOpaque()
                    uv_pipe_connect(request, PipeHandle.pipe(core), path) { request, status in
                        let completion = Unmanaged<ConnectCompletion>.fromOpaque(request!.pointee.data)
                            .takeRetainedValue()
                        request!.deallocate()
                        completion.finish(status: status)
                    }
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Closes the stream after the bytes already written; pending reads and writes end with
    /// `UVError.closed`. Closing twice is not an error. The corresponding libuv call is `uv_close`.
    public func close() async {
        await core.close()
    }
}

/// Carries a pipe connect's continuation through libuv's `data` pointer.
private final class ConnectCompletion {
    let core: StreamCore
    let path: String
    let continuation: HandOff<PipeStream, any Error>

    init(_ core: StreamCore, _ path: String, _ continuation: HandOff<PipeStream, any Error>) {
        self.core = core
        self.path = path
        self.continuation = continuation
    }

    /// On the loop: the connect request completed.
    func finish(status: Int32) {
        if status < 0 {
            core.close()
            continuation.resume(throwing: UVError(code: status, context: "connect to \(path)"))
        } else {
            continuation.resume(returning: PipeStream(connected: core))
        }
    }
}

extension PipeStream: CustomStringConvertible {
    public var description: String { "PipeStream(\(localPath.isEmpty ? peerPath : localPath))" }
}
