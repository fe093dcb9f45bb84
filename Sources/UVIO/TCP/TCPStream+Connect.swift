internal import CLibUV
import Synchronization

extension TCPStream {
    /// Connects to `address`.
    ///
    /// ```swift
    /// let stream = try await TCPStream.connect(to: .loopbackIPv4(port: 9000))
    /// ```
    ///
    /// ## Cancellation
    /// Cancelling the task abandons the attempt and closes the socket: `CancellationError`.
    /// - Parameters:
    ///   - address: where to connect.
    ///   - timeout: how long the attempt may take; nil waits for the kernel's own limit.
    ///   - loop: the loop that will own the connection.
    /// - Throws: `UVError.connectionRefused` when nobody listens; `UVError.timedOut`;
    ///   `UVError.loopShutDown`; `CancellationError`.
    /// The corresponding libuv call is `uv_tcp_connect`.
    public static func connect(
        to address: SocketAddress,
        timeout: Duration? = nil,
        on loop: EventLoop = .shared
    ) async throws -> TCPStream {
        let attempt = ConnectAttempt(loop: loop)
        let deadline = timeout.map { EventLoop.deadline(after: $0) }
        return try await attempt.run(address: address, deadline: deadline)
    }

    /// Resolves `host` and connects to its addresses in order until one accepts.
    ///
    /// The timeout covers the whole attempt, resolution included; when it passes the attempt ends
    /// with `UVError.timedOut` and no socket is left open.
    ///
    /// ```swift
    /// let stream = try await TCPStream.connect(host: "localhost", port: 9000, timeout: .seconds(3))
    /// ```
    /// - Throws: `UVError.portOutOfRange`; `UVError.unknownHost`; the last address's error
    ///   (such as `UVError.connectionRefused`); `UVError.timedOut`; `CancellationError`.
    public static func connect(
        host: String,
        port: Int,
        timeout: Duration? = nil,
        on loop: EventLoop = .shared
    ) async throws -> TCPStream {
        let deadline = timeout.map { EventLoop.deadline(after: $0) }
        let addresses = try await withDeadline(deadline, on: loop) {
            try await SocketAddress.resolve(host: host, port: port, on: loop)
        }
        var lastError: any Error = UVError.unknownHost.with(context: host)
        for address in addresses {
            do {
                return try await ConnectAttempt(loop: loop).run(address: address, deadline: deadline)
            } catch let error as UVError where error == .timedOut {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastError = error
            }
        }
        throw lastError
    }
}

/// Runs `body`, cancelling it with `UVError.timedOut` once `deadline` passes.
func withDeadline<R: Sendable>(
    _ deadline: UInt64?, on loop: EventLoop, _ body: @escaping @Sendable () async throws -> R
) async throws -> R {
    guard let deadline else { return try await body() }
    let expired = Atomic<Bool>(false)
    let task = Task { try await body() }
    let timer = try loop.schedule(in: .nanoseconds(Int64(clamping: deadline &- min(deadline, uv_hrtime())))) {
        expired.store(true, ordering: .releasing)
        task.cancel()
    }
    defer { timer.cancel() }
    return try await withCancellationHandler {
        do {
            return try await task.value
        } catch is CancellationError where expired.load(ordering: .acquiring) {
            throw UVError.timedOut
        }
    } onCancel: {
        task.cancel()
    }
}

/// One connection attempt: the handle, the libuv request and the caller waiting for them.
///
/// Cancellation and the timeout close the handle; libuv then completes the request with
/// `UV_ECANCELED`, and the attempt reports why it was abandoned.
private final class ConnectAttempt: Sendable {
    struct State {
        var core: StreamCore?
        var continuation: HandOff<TCPStream, any Error>?
        /// Why the attempt was abandoned, if it was.
        var abandoned: (any Error)?
        /// The caller has its answer; abandoning now changes nothing.
        var finished = false
    }

    let loop: EventLoop
    let state = LockedValue(State())

    init(loop: EventLoop) { self.loop = loop }

    func run(address: SocketAddress, deadline: UInt64?) async throws -> TCPStream {
        var timer: Scheduled?
        defer { timer?.cancel() }
        if let deadline {
            timer = try loop.schedule(in: .nanoseconds(Int64(clamping: deadline &- min(deadline, uv_hrtime())))) {
                [self] in abandon(UVError.timedOut)
            }
        }
        return try await withCancellationHandler {
            try await withThrowingHandOff { continuation in
                state.withLock { $0.continuation = continuation }
                do {
                    try loop.execute { [self] in start(address) }
                } catch {
                    finish(.failure(error))
                }
            }
        } onCancel: {
            abandon(CancellationError())
        }
    }

    /// On the loop: create the handle and start `uv_tcp_connect`.
    private func start(_ address: SocketAddress) {
        if let reason = state.withLock({ $0.abandoned }) { return finish(.failure(reason)) }
        let core = StreamCore(loop: loop, size: TCPHandle.size)
        do {
            try TCPHandle.initialize(core, family: address.family)
        } catch {
            return finish(.failure(error))
        }
        state.withLock { $0.core = core }
        let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        let result = address.withSockAddr { sockaddr, _ in
            uv_tcp_connect(request, TCPHandle.tcp(core), sockaddr) { request, status in
                let attempt = Unmanaged<ConnectAttempt>.fromOpaque(request!.pointee.data).takeRetainedValue()
                request!.deallocate()
                attempt.connected(status: status)
            }
        }
        if result < 0 {
            Unmanaged<ConnectAttempt>.fromOpaque(request.pointee.data).release()
            request.deallocate()
            core.close()
            finish(.failure(UVError(code: result, context: "connect to \(address)")))
        }
    }

    /// On the loop: the request completed. Taking the continuation and reading `abandoned` under
    /// one lock decides the race with `abandon` once.
    private func connected(status: Int32) {
        let (core, continuation, abandoned) = state.withLock { state in
            defer {
                state.continuation = nil
                state.finished = true
            }
            return (state.core!, state.continuation, state.abandoned)
        }
        let result: Result<TCPStream, any Error>
        if let abandoned {
            result = .failure(abandoned)
        } else if status < 0 {
            result = .failure(UVError(code: status))
        } else {
            result = Result { try TCPStream(connected: core) }
        }
        if case .failure = result { core.close() }
        continuation?.resume(with: result)
    }

    /// From any thread: give up with `reason`; closing the handle makes libuv finish the request.
    /// It may come before the attempt has even started (a short timeout on a busy machine): then
    /// `start` sees the reason and gives up at once.
    private func abandon(_ reason: any Error) {
        let core = state.withLock { state -> StreamCore? in
            guard !state.finished, state.abandoned == nil else { return nil }
            state.abandoned = reason
            return state.core
        }
        guard let core else { return }
        try? loop.execute { if !core.isClosing { core.close() } }
    }

    private func finish(_ result: Result<TCPStream, any Error>) {
        let continuation = state.withLock { state in
            defer {
                state.continuation = nil
                state.finished = true
            }
            return state.continuation
        }
        continuation?.resume(with: result)
    }
}
