internal import CLibUV

// The send side: one call, one datagram. Admission against the send queue limit, then
// `uv_udp_try_send`, then a queued `uv_udp_send` on a copy when the socket would block.
extension UDPCore {
    /// The largest UDP payload for a family: 65,535 minus the IP and UDP headers (IPv4 carries
    /// its 20-byte header inside the 16-bit length, IPv6 does not).
    static func maximumPayload(_ family: SocketAddress.Family) -> Int {
        family == .ipv4 ? 65_507 : 65_527
    }

    /// What a datagram of `count` bytes is charged against `sendQueueLimit`: empty datagrams
    /// cost 1, so that even they cannot queue without bound.
    static func cost(_ count: Int) -> Int { max(count, 1) }

    /// Checks a send before it reaches libuv; returns the destination to pass to libuv (nil for
    /// a connected socket), and whether the datagram may go out at once with `trySend`, without
    /// the admission's charge and release: on the loop thread, with nothing charged against the
    /// send queue and no deferred error waiting to be reported. One lock instead of three.
    /// - Throws: the end error after close; `UVError.notConnected` for `send(_:)` on an
    ///   unconnected socket; `UVError.invalidArgument` for port 0 or a destination of the other
    ///   family; `UV_EISCONN` for another destination on a connected socket;
    ///   `UVError.messageTooLong` above the family's maximum payload.
    func validateSend(count: Int, to destination: SocketAddress?) throws(UVError)
        -> (target: SocketAddress?, sendsNow: Bool) {
        let (end, peer, idle) = state.withLock {
            ($0.end, $0.peer, $0.queuedSendBytes == 0 && $0.deferredSendError == nil)
        }
        if let end { throw end }
        var target = destination
        if let peer {
            if let destination, destination != peer {
                throw UVError(code: UV_EISCONN.rawValue, context: "the socket is connected to \(peer), not \(destination)")
            }
            target = nil  // a connected socket's sends must not name an address (uv_udp_send)
        } else {
            guard let destination else {
                throw UVError.notConnected.with(context: "send(_:) needs a connected socket; use send(_:to:)")
            }
            guard destination.port != 0 else {
                throw UVError.invalidArgument.with(context: "destination \(destination) has port 0")
            }
            guard destination.family == family else {
                throw UVError.invalidArgument.with(context: "destination \(destination) is not \(family == .ipv4 ? "IPv4" : "IPv6") like the socket")
            }
        }
        let limit = Self.maximumPayload(peer?.family ?? family)
        guard count <= limit else {
            throw UVError.messageTooLong.with(context: "datagram of \(count) bytes; the limit is \(limit)")
        }
        // `isClosing` is read on the loop thread only.
        return (target, idle && loop.inEventLoop && !isClosing && uv_udp_get_send_queue_count(udp) == 0)
    }

    /// Charges `cost` against the send queue if it fits (a datagram always fits an empty queue).
    static func admit(_ cost: Int, _ state: inout State, limit: Int) -> Bool {
        guard state.queuedSendBytes == 0 || state.queuedSendBytes + cost <= limit else { return false }
        state.queuedSendBytes += cost
        return true
    }

    /// Gives back what a finished send was charged, waking senders that wait for room.
    func release(_ cost: Int) {
        let (senders, waker) = state.withLock { state in
            state.queuedSendBytes -= cost
            guard state.queuedSendBytes < configuration.sendQueueLimit else { return (WaiterBatch(), Waker?.none) }
            defer { state.pollSender = nil }
            return (state.senders.takeAll(), state.pollSender)
        }
        senders.wake()
        waker?.wake()
    }

    /// The result of handing a datagram to libuv.
    enum Submitted {
        /// `uv_udp_try_send` sent it, or it failed at once; the charge is released.
        case done(UVError?)
        /// `uv_udp_send` queued a copy; the completion runs from the send callback.
        case queued
    }

    /// Sends an admitted datagram: `uv_udp_try_send` when nothing is queued ahead of it, else
    /// (or when the socket would block) a copy with `uv_udp_send`. Loop thread only.
    func submit(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress?, cost: Int,
                completion: UDPSendCompletion) -> Submitted {
        assert(loop.inEventLoop)
        if isClosing {
            release(cost)
            return .done(closeReason)
        }
        if uv_udp_get_send_queue_count(udp) == 0 {
            do {
                if try trySend(bytes, to: destination) {
                    release(cost)
                    return .done(nil)
                }
            } catch {
                release(cost)
                return .done(error)
            }
        }
        let request = UDPSendRequest(copying: bytes, cost: cost, completion: completion)
        request.request.pointee.data = Unmanaged.passRetained(request).toOpaque()
        var copy = request.buffer(count: bytes.count)
        let result = withDestination(destination) { address in
            uv_udp_send(request.request, udp, &copy, 1, address) { request, status in
                let sendRequest = Unmanaged<UDPSendRequest>.fromOpaque(request!.pointee.data).takeRetainedValue()
                Unmanaged<UDPCore>.fromOpaque(request!.pointee.handle.pointee.data)._withUnsafeGuaranteedRef {
                    $0.didSend(sendRequest, status: status)
                }
            }
        }
        guard result >= 0 else {
            Unmanaged<UDPSendRequest>.fromOpaque(request.request.pointee.data).release()
            release(cost)
            return .done(UVError(code: result, context: "uv_udp_send"))
        }
        return .queued
    }

    /// Submits and reports through `completion` in every case.
    func submitAndComplete(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress?, cost: Int,
                           completion: UDPSendCompletion) {
        if case .done(let error) = submit(bytes, to: destination, cost: cost, completion: completion) {
            complete(completion, error)
        }
    }

    private func didSend(_ request: UDPSendRequest, status: Int32) {
        var error: UVError?
        if status < 0 {
            error = status == UV_ECANCELED.rawValue && isClosing ? closeReason : UVError(code: status, context: "uv_udp_send")
        }
        release(request.cost)
        complete(request.completion, error)
    }

    func complete(_ completion: UDPSendCompletion, _ error: UVError?) {
        switch completion {
        case .deferred:
            if let error, !isClosing { state.withLock { $0.deferredSendError = error } }
        case .waiter(let id):
            state.withLock { $0.sendWaiters.remove(id) }?.wake(error)
        case .callback(let callback):
            callback(error)
        }
    }

    private func withDestination<R>(_ destination: SocketAddress?, _ body: (UnsafePointer<sockaddr>?) -> R) -> R {
        guard let destination else { return body(nil) }
        return destination.withSockAddr { sockaddr, _ in body(sockaddr) }
    }

    // MARK: Async sends (any thread)

    /// Suspends until `cost` fits under the send queue limit, and charges it.
    func waitForRoom(_ cost: Int) async throws {
        while true {
            let admitted = try state.withLock { state throws(UVError) -> Bool in
                if let end = state.end { throw end }
                return Self.admit(cost, &state, limit: configuration.sendQueueLimit)
            }
            if admitted { return }
            try await suspendAsWaiter(on: state, Senders.self, loop: loop) { state in
                state.end != nil || state.queuedSendBytes + cost <= configuration.sendQueueLimit
            }
        }
    }

    /// The half of an async send that does not wait: on the loop with nothing queued, the socket
    /// usually takes the datagram at once, and then there is nothing to wait for (no
    /// continuation, no cancellation handler). Returns whether the datagram went.
    /// - Throws: as `validateSend`; `CancellationError` if the task is cancelled.
    ///
    /// Inlinable, so that the collection is made contiguous where its type is known: unspecialised,
    /// the generic path looked up type metadata at run time on every datagram.
    @inlinable
    func sendNow(_ bytes: some Collection<UInt8>, to destination: SocketAddress?) throws -> Bool {
        try withContiguousBytes(bytes) { try sendNow($0, to: destination) }
    }

    /// `sendNow` for contiguous bytes.
    @usableFromInline
    func sendNow(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress?) throws -> Bool {
        let (target, sendsNow) = try validateSend(count: bytes.count, to: destination)
        guard sendsNow else { return false }
        if currentTaskIsCancelled { throw CancellationError() }
        return try trySend(bytes, to: target)
    }

    /// The half of an async send that waits: admitted under the send queue limit, handed to the
    /// loop, awaited until libuv has sent it. It checks the send again: time passed.
    @usableFromInline
    func sendQueued(_ bytes: some Collection<UInt8>, to destination: SocketAddress?) async throws {
        let (target, _) = try validateSend(count: bytes.count, to: destination)
        let cost = Self.cost(bytes.count)
        try await waitForRoom(cost)
        let id = WaiterList.reserveID()
        try await withCancellationHandler {
            try await withThrowingHandOff { (continuation: HandOff<Void, any Error>) in
                let cancelled = state.withLock { state -> Bool in
                    if currentTaskIsCancelled { return true }
                    state.sendWaiters.add(.continuation(continuation), id: id)
                    return false
                }
                if cancelled {
                    release(cost)
                    return continuation.resume(throwing: CancellationError())
                }
                if loop.inEventLoop {
                    // The bytes are used only here, synchronously: sent, or copied into a request.
                    withContiguousBytes(bytes) { submitAndComplete($0, to: target, cost: cost, completion: .waiter(id)) }
                } else {
                    let copy = [UInt8](bytes)
                    do {
                        try loop.execute { [self] in
                            copy.withUnsafeBytes { submitAndComplete($0, to: target, cost: cost, completion: .waiter(id)) }
                        }
                    } catch {
                        release(cost)
                        complete(.waiter(id), .loopShutDown)
                    }
                }
            }
        } onCancel: {
            state.withLock { $0.sendWaiters.remove(id) }?.wake(CancellationError())
        }
    }

    /// `uv_udp_try_send`: true when the datagram went, false when the socket would block.
    /// Loop thread only, with no send queued.
    private func trySend(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress?) throws(UVError) -> Bool {
        var buffer = uv_buf_t(base: UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: CChar.self)),
                              len: bytes.count)
        let result = withDestination(destination) { uv_udp_try_send(udp, &buffer, 1, $0) }
        if result >= 0 { return true }
        if result == UV_EAGAIN.rawValue { return false }
        throw UVError(code: result, context: "uv_udp_try_send")
    }

    // MARK: Poll-style and callback sends (any thread)

    /// Hands one datagram to the socket or stores `waker` when the send queue is full.
    /// Returns false when pending.
    ///
    /// With the `.deferred` completion: on the loop thread `uv_udp_try_send` runs now and its
    /// error is thrown now; from another thread the datagram is copied to the loop and a later
    /// failure is thrown by the next call. With a callback, every outcome goes to it.
    func pollSend(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress?, waker: Waker,
                  completion: UDPSendCompletion = .deferred) throws -> Bool {
        let (target, sendsNow) = try validateSend(count: bytes.count, to: destination)
        if sendsNow, try trySendNow(bytes, to: target, completion: completion) { return true }
        let cost = Self.cost(bytes.count)
        let admitted = try state.withLock { state throws(UVError) -> Bool in
            if let end = state.end { throw end }
            if case .deferred = completion, let error = state.deferredSendError {
                state.deferredSendError = nil
                throw error
            }
            if Self.admit(cost, &state, limit: configuration.sendQueueLimit) { return true }
            state.pollSender = waker
            return false
        }
        guard admitted else { return false }
        if loop.inEventLoop {
            if case .done(let error) = submit(bytes, to: target, cost: cost, completion: completion) {
                if case .deferred = completion, let error { throw error }
                complete(completion, error)
            }
        } else {
            let copy = [UInt8](bytes)
            do {
                try loop.execute { [self] in
                    copy.withUnsafeBytes { submitAndComplete($0, to: target, cost: cost, completion: completion) }
                }
            } catch {
                release(cost)
                throw error
            }
        }
        return true
    }

    /// Sends one datagram and calls `completion` on the loop thread when it is sent or failed.
    /// A full send queue fails at once with `UV_ENOBUFS`, as a kernel does for UDP.
    func send(_ bytes: UnsafeRawBufferPointer, to destination: SocketAddress?,
              completion: @escaping @Sendable (UVError?) -> Void) {
        let target: SocketAddress?
        do {
            let sendsNow: Bool
            (target, sendsNow) = try validateSend(count: bytes.count, to: destination)
            if sendsNow, try trySendNow(bytes, to: target, completion: .callback(completion)) { return }
        } catch {
            return deliver(completion, error)
        }
        let cost = Self.cost(bytes.count)
        let admitted = state.withLock { Self.admit(cost, &$0, limit: configuration.sendQueueLimit) }
        guard admitted else {
            return deliver(completion, UVError(code: UV_ENOBUFS.rawValue, context: "send queue full"))
        }
        if loop.inEventLoop {
            submitAndComplete(bytes, to: target, cost: cost, completion: .callback(completion))
        } else {
            let copy = [UInt8](bytes)
            do {
                try loop.execute { [self] in
                    copy.withUnsafeBytes { submitAndComplete($0, to: target, cost: cost, completion: .callback(completion)) }
                }
            } catch {
                release(cost)
                completion(error)
            }
        }
    }

    /// A send that `validateSend` found may go at once: `uv_udp_try_send` with no charge against
    /// the queue, completed here. Returns false when the socket would block: the caller then
    /// queues the datagram as usual. Loop thread only.
    /// - Throws: a `.deferred` send's error (other completions are given theirs).
    private func trySendNow(_ bytes: UnsafeRawBufferPointer, to target: SocketAddress?,
                            completion: UDPSendCompletion) throws(UVError) -> Bool {
        do {
            guard try trySend(bytes, to: target) else { return false }
            if case .callback(let callback) = completion { callback(nil) }
        } catch {
            if case .deferred = completion { throw error }
            complete(completion, error)
        }
        return true
    }

    /// Calls a completion on the loop thread (at once when already there).
    private func deliver(_ completion: @escaping @Sendable (UVError?) -> Void, _ error: UVError?) {
        do {
            try onLoop { completion(error) }
        } catch {
            completion(error)
        }
    }
}
