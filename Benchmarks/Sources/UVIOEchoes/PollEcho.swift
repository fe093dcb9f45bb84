import UVIO

// The TCP echo in the poll style: hand-written futures run by `FutureExecutor` on the loop.

/// Memory that a future owns and frees when it ends.
final class EchoBuffer: @unchecked Sendable {
    // Safe: used only by the one future that owns it, on the loop thread.
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    deinit { bytes.deallocate() }
}

/// Echoes one stream: `pollRead` into a 256 KiB buffer, `pollWrite` it back, until end of stream.
public struct PollEcho: Future {
    let stream: TCPStream
    let buffer = EchoBuffer()
    /// Bytes read and not yet written back.
    var unwritten = 0..<0

    public init(_ stream: TCPStream) {
        self.stream = stream
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Void> {
        while true {
            if !unwritten.isEmpty {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer.bytes[unwritten])
                guard case .ready(let count) = try stream.pollWrite(&context, bytes) else { return .pending }
                unwritten = unwritten.lowerBound + count..<unwritten.upperBound
                continue
            }
            guard case .ready(let count) = try stream.pollRead(&context, into: buffer.bytes) else { return .pending }
            if count == 0 { return .ready(()) }
            unwritten = 0..<count
        }
    }
}

/// Accepts with `pollAccept` and spawns a `PollEcho` on the loop for each connection.
public struct PollAcceptLoop: Future {
    let listener: TCPListener

    public init(_ listener: TCPListener) {
        self.listener = listener
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Void> {
        while true {
            guard case .ready(let stream) = try listener.pollAccept(&context) else { return .pending }
            noDelay(stream)
            FutureExecutor.spawn(PollEcho(stream), on: listener.loop)
        }
    }
}

/// Sets `TCP_NODELAY` as the async servers do; the option has only an async setter, so a task on
/// the loop sets it right after the connection is handed over.
func noDelay(_ stream: TCPStream) {
    Task(executorPreference: stream.loop) { try? await stream.setNoDelay(true) }
}
