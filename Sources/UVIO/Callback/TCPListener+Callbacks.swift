// The callback façade of a TCP listener: a connection handler called on the loop thread.
extension TCPListener {
    /// Starts calling `handler` with each accepted connection, then once with the error that
    /// ended accepting.
    ///
    /// Connections already waiting are handed over first. The handler owns each stream it gets:
    /// keep it (start reading, write) or close it.
    ///
    /// ```swift
    /// listener.startAccepting { result in
    ///     guard case .success(let stream) = result else { return }   // .failure(.closed) at the end
    ///     stream.startReading { event in
    ///         if case .data(let bytes) = event { stream.write(bytes) { _ in } }
    ///     }
    /// }
    /// ```
    /// The corresponding libuv call is `uv_accept` (made as connections arrive).
    ///
    /// - Parameter handler: called with `.success(stream)` per connection, and with
    ///   `.failure(UVError.closed)` once the listener is closed (or another error that ended
    ///   accepting); it is not called after a failure. Starting again replaces the handler.
    ///
    /// ## Threading
    /// The handler runs on the listener's loop thread: keep it short and never block in it. If the
    /// loop has shut down it is called at once, on the calling thread, with
    /// `.failure(UVError.loopShutDown)`. While a handler is installed it takes the connections
    /// that `accept()`, `connections` and `pollAccept` would get.
    public func startAccepting(handler: sending @escaping (Result<TCPStream, UVError>) -> Void) {
        core.onLoop(passing: handler, { [core] in CallbackAcceptor(core: core, handler: $0).install() },
                    ifShutDown: { handler, error in handler(.failure(error)) })
    }

    /// Stops calling the handler of `startAccepting(handler:)`; later connections wait for
    /// `accept()`.
    ///
    /// ## Threading
    /// Any thread. Called on the loop thread (from the handler), no connection follows.
    public func stopAccepting() {
        try? core.onLoop { [core] in CallbackAcceptor.uninstall(from: core) }
    }

    /// Stops listening and calls `completion` once libuv has released the socket. Connections
    /// nobody took are closed; an accepting handler gets `.failure(UVError.closed)`. Closing
    /// twice is not an error. The corresponding libuv call is `uv_close`.
    ///
    /// ## Threading
    /// `completion` runs on the listener's loop thread (on the calling thread if the loop has shut
    /// down, which closed the listener already).
    public func close(completion: sending @escaping () -> Void) {
        core.onLoop(passing: completion, { [core] in core.close(then: $0) }, ifShutDown: { completion, _ in completion() })
    }
}
