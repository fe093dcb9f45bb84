internal import CLibUV
import Synchronization

/// A TCP connection: bytes in both directions, read and written asynchronously.
///
/// Get one with `TCPStream.connect(to:on:)` or from a `TCPListener`. Reads come from a receive
/// buffer that the loop fills in the background (up to a high watermark, then reading pauses
/// until you catch up); writes return once libuv has written the bytes. The helpers of
/// `AsyncByteReader`, `AsyncBufferedByteReader` and `AsyncByteWriter` (`readExact`, `readLine`,
/// `writeAll`, `copy(from:to:)` …) all work on a stream.
///
/// ```swift
/// let stream = try await TCPStream.connect(to: SocketAddress(parsing: "127.0.0.1:9000"))
/// try await stream.writeAll("PING\r\n")
/// let reply = try await stream.readLine()
/// await stream.close()
/// ```
///
/// A stream that is dropped without `close()` closes its socket: descriptors never leak.
///
/// ## Threading
/// Every method may be called from any task or thread. A task that runs on the stream's loop
/// (`Task(executorPreference: stream.loop)`) is resumed without a thread hop.
public final class TCPStream: Sendable {
    @usableFromInline let core: StreamCore
    /// The local end of the connection. The corresponding libuv call is `uv_tcp_getsockname`.
    public let localAddress: SocketAddress
    /// The remote end of the connection. The corresponding libuv call is `uv_tcp_getpeername`.
    public let peerAddress: SocketAddress
    private let timeouts = LockedValue<(read: Duration?, write: Duration?)>((nil, nil))
    /// Whether a timeout is set, read without the lock by every read and write: the usual stream
    /// has none, and then needs no deadline.
    private let hasReadTimeout = Atomic<Bool>(false)
    private let hasWriteTimeout = Atomic<Bool>(false)

    /// Wraps a connected core; on the loop thread, right after connect or accept.
    init(connected core: StreamCore) throws(UVError) {
        self.core = core
        localAddress = try TCPHandle.localAddress(core)
        peerAddress = try TCPHandle.peerAddress(core)
        core.startReading()
    }

    deinit {
        core.closeSoon()
    }

    /// The loop that owns the connection.
    public var loop: EventLoop { core.loop }

    /// How long a read may wait for data before it throws `UVError.timedOut`; nil waits forever.
    ///
    /// A timed-out read consumes nothing and leaves the stream usable.
    public var readTimeout: Duration? {
        get { timeouts.withLock { $0.read } }
        set {
            timeouts.withLock { timeouts in
                timeouts.read = newValue
                hasReadTimeout.store(newValue != nil, ordering: .relaxed)
            }
        }
    }

    /// How long a write may wait for libuv before it throws `UVError.timedOut`; nil waits forever.
    ///
    /// The bytes of a timed-out write stay queued and are still sent, in order.
    public var writeTimeout: Duration? {
        get { timeouts.withLock { $0.write } }
        set {
            timeouts.withLock { timeouts in
                timeouts.write = newValue
                hasWriteTimeout.store(newValue != nil, ordering: .relaxed)
            }
        }
    }

    @usableFromInline var readWaitLimit: Duration? {
        guard hasReadTimeout.load(ordering: .relaxed) else { return nil }
        return readTimeout
    }

    @usableFromInline var writeDeadline: UInt64? {
        guard hasWriteTimeout.load(ordering: .relaxed) else { return nil }
        return writeTimeout.map { EventLoop.deadline(after: $0) }
    }

    /// Closes the connection at once; pending reads and writes end with `UVError.closed`.
    ///
    /// Every `write` that returned has handed its bytes to the kernel, which still delivers them.
    /// Bytes of writes still queued (a cancelled or timed-out write, a callback or poll-style
    /// write not yet completed) are dropped: call `shutdown(.write)` first to send them and end
    /// the stream in order. Closing twice is not an error. The corresponding libuv call is
    /// `uv_close`.
    public func close() async {
        await core.close()
    }

    /// Closes the connection with a TCP reset (RST) instead of an orderly FIN: the peer's reads
    /// fail with `UVError.connectionReset`. The corresponding libuv call is `uv_tcp_close_reset`.
    public func closeWithReset() async {
        await withHandOff { (continuation: HandOff<Void, Never>) in
            do {
                try core.onLoop { [core] in
                    core.closeWithReset()
                    core.close { continuation.resume() }
                }
            } catch {
                continuation.resume()
            }
        }
    }
}

extension TCPStream: CustomStringConvertible {
    public var description: String { "TCPStream(\(localAddress) -> \(peerAddress))" }
}
