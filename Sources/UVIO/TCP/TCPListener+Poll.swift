extension ListenerCore {
    /// Takes an accepted connection, or stores the waker in `acceptors`.
    func pollAccept(_ context: inout Context) throws -> Poll<TCPStream> {
        let waker = context.waker
        while true {
            if let stream = try tryTake() { return .ready(stream) }
            // Re-checked under the lock that `acceptOne` takes, so no connection slips past.
            let waiting = state.withLock { state in
                guard state.accepted.isEmpty, state.end == nil else { return false }
                state.acceptors.register(waker)
                return true
            }
            if waiting { return .pending }
        }
    }
}

extension TCPListener {
    /// Takes the next accepted connection without blocking.
    ///
    /// Connections are accepted in the background into a queue; this takes the first one, or
    /// stores the waker of `context` and wakes it when one arrives or the listener ends.
    ///
    /// - Parameter context: carries the waker to store when no connection waits.
    /// - Returns: `.ready` with the connection, or `.pending`.
    /// - Throws: `UVError.closed` once the listener is closed; the error that ended accepting.
    ///
    /// ## Threading
    /// Any thread. The connection belongs to the listener's loop.
    public func pollAccept(_ context: inout Context) throws -> Poll<TCPStream> {
        try core.pollAccept(&context)
    }

    /// The accepted connections as a poll-style stream: the seed's `incoming()`.
    ///
    /// ```swift
    /// let server = listener.incoming().forEach { socket in
    ///     FutureExecutor.spawn(ReadExact(socket, [UInt8](repeating: 0, count: 5))
    ///         .flatMap { socket, buffer in WriteAll(socket, buffer) }, on: socket.loop)
    /// }
    /// FutureExecutor.spawn(server, on: listener.loop)
    /// ```
    public func incoming() -> Incoming {
        Incoming(listener: self)
    }
}
