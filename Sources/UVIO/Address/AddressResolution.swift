internal import CLibUV

/// One `uv_getaddrinfo` request and the task that waits for its answer.
///
/// Two things have owners of their own:
/// - The waiting task's continuation. Three parties race to resume it: the libuv callback (the
///   answer), task cancellation and loop shutdown. Whoever takes it out of `waiter` resumes it;
///   the others find it gone. So it is resumed exactly once, and cancellation need not wait for
///   a lookup that is already running on the thread pool.
/// - The request's memory. It belongs to libuv from a successful `uv_getaddrinfo` until the
///   callback, which libuv always calls (with `UV_EAI_CANCELED` after a successful `uv_cancel`);
///   the callback alone frees it, and frees the result list with `uv_freeaddrinfo`. The request
///   holds a retain on `self` (its `data`) that the callback releases.
///
/// ## Threading
/// `run()` may be called from any thread; the request starts, is cancelled and completes on the
/// loop thread.
final class AddressResolution: LoopResource, @unchecked Sendable {
    // Safe: `waiter` is a LockedValue; `request` is read and written only on the loop thread; the
    // rest is immutable.

    private struct Waiter {
        var continuation: HandOff<[SocketAddress], any Error>?
        /// Set by cancellation, even before the continuation exists.
        var cancelled = false
    }

    private let host: String
    private let port: Int
    private let loop: EventLoop
    private let waiter = LockedValue(Waiter())
    /// The request libuv holds, from `uv_getaddrinfo` until the callback. Loop thread only.
    private var request: UnsafeMutablePointer<uv_getaddrinfo_t>?

    init(host: String, port: Int, loop: EventLoop) {
        self.host = host
        self.port = port
        self.loop = loop
    }

    /// Starts the lookup and waits for its answer. Call once.
    func run() async throws -> [SocketAddress] {
        try await withCancellationHandler {
            try await withThrowingHandOff { continuation in
                wait(with: continuation)
            }
        } onCancel: {
            cancel()
        }
    }

    private func wait(with continuation: HandOff<[SocketAddress], any Error>) {
        let cancelled = waiter.withLock { waiter in
            waiter.continuation = continuation
            return waiter.cancelled
        }
        if cancelled { return finish(throwing: CancellationError()) }
        if loop.inEventLoop { return start() }
        do {
            try loop.execute { self.start() }
        } catch {
            finish(throwing: error)
        }
    }

    /// Starts the request. Loop thread only.
    private func start() {
        // Cancelled between `wait` and now: nobody waits, so do not start.
        guard waiter.withLock({ $0.continuation != nil }) else { return }
        do {
            try loop.register(self)
        } catch {
            return finish(throwing: error)
        }
        let request = UnsafeMutablePointer<uv_getaddrinfo_t>.allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        // No AI_ADDRCONFIG: it hides ::1 and even 127.0.0.1 on machines with only loopback.
        hints.ai_flags = AI_NUMERICSERV
        let result = host.withCString { host in
            String(port).withCString { service in
                uv_getaddrinfo(loop.uvLoop, request, { request, status, list in
                    AddressResolution.complete(request!, status: status, list: list)
                }, host, service, &hints)
            }
        }
        do {
            try UVError.check(result, "uv_getaddrinfo \(SocketAddress.quoted(host))")
            self.request = request
        } catch {
            // libuv did not take the request: the callback will not run, so undo here.
            Unmanaged<AddressResolution>.fromOpaque(request.pointee.data).release()
            request.deallocate()
            loop.deregister(self)
            finish(throwing: error)
        }
    }

    /// The libuv callback: frees the request and the result list, then answers. Loop thread.
    private static func complete(
        _ request: UnsafeMutablePointer<uv_getaddrinfo_t>, status: Int32, list: UnsafeMutablePointer<addrinfo>?
    ) {
        let resolution = Unmanaged<AddressResolution>.fromOpaque(request.pointee.data).takeRetainedValue()
        request.deallocate()
        defer { uv_freeaddrinfo(list) }
        resolution.request = nil
        resolution.loop.deregister(resolution)
        do {
            // After a cancel or shutdown this is UV_EAI_CANCELED, and nobody waits any more.
            try UVError.check(status, "uv_getaddrinfo \(SocketAddress.quoted(resolution.host))")
            let addresses = addressList(list)
            guard !addresses.isEmpty else {
                throw UVError.unknownHost.with(context: "no IPv4 or IPv6 address for \(resolution.host)")
            }
            resolution.finish(returning: addresses)
        } catch {
            resolution.finish(throwing: error)
        }
    }

    /// The IPv4 and IPv6 addresses of a result list, in its order, each once.
    private static func addressList(_ list: UnsafeMutablePointer<addrinfo>?) -> [SocketAddress] {
        var addresses: [SocketAddress] = []
        var seen = Set<SocketAddress>()
        var entry = list
        while let current = entry {
            if let pointer = current.pointee.ai_addr, let address = SocketAddress(pointer),
                seen.insert(address).inserted
            {
                addresses.append(address)
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// Task cancellation, from any thread: answer at once, then cancel the request on the loop.
    private func cancel() {
        let continuation = waiter.withLock { waiter in
            waiter.cancelled = true
            defer { waiter.continuation = nil }
            return waiter.continuation
        }
        // No continuation: `wait` has not run yet and will see `cancelled`, or the answer is in.
        guard let continuation else { return }
        continuation.resume(throwing: CancellationError())
        // If the loop has closed, no request of ours is left on it.
        try? loop.execute { self.cancelRequest() }
    }

    /// Cancels the request if it is still queued. Loop thread only.
    ///
    /// `uv_cancel` fails with `UV_EBUSY` once a thread-pool thread runs the lookup; the callback
    /// then comes with the answer, which nobody waits for, and frees the request all the same.
    private func cancelRequest() {
        guard let request else { return }
        _ = uv_cancel(UnsafeMutablePointer<uv_req_t>(OpaquePointer(request)))
    }

    func closeForShutdown() {
        cancelRequest()
        finish(throwing: UVError.loopShutDown)
    }

    private func finish(returning addresses: [SocketAddress]) {
        takeContinuation()?.resume(returning: addresses)
    }

    private func finish(throwing error: any Error) {
        takeContinuation()?.resume(throwing: error)
    }

    private func takeContinuation() -> HandOff<[SocketAddress], any Error>? {
        waiter.withLock { waiter in
            defer { waiter.continuation = nil }
            return waiter.continuation
        }
    }
}
