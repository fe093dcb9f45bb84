// The callback façade of a TCP stream: handlers and completions called on the loop thread.
extension TCPStream {
    /// What a reading handler receives; see `startReading(handler:)`.
    public enum ReadEvent {
        /// Bytes that arrived. The pointer is valid only during the call: copy what you keep.
        case data(UnsafeRawBufferPointer)
        /// The peer shut down its write side; the handler is not called again.
        case endOfStream
        /// Reading failed (such as `UVError.connectionReset`) or the stream was closed
        /// (`UVError.closed`); the handler is not called again.
        case error(UVError)
    }

    /// Starts calling `handler` with each chunk that arrives, then once at the end of the stream
    /// or on error.
    ///
    /// Bytes already buffered are given first. Later chunks come straight from the loop's read
    /// buffer, without a copy: `.data`'s pointer is valid only during the call. The handler may
    /// call any method of the stream, including `write(_:completion:)`, `stopReading()` and
    /// `close(completion:)`. Starting again replaces the handler.
    ///
    /// ```swift
    /// stream.startReading { event in
    ///     switch event {
    ///     case .data(let bytes): stream.write(bytes) { _ in }   // echo
    ///     case .endOfStream: stream.shutdownWrite { _ in }
    ///     case .error(let error): print(error)
    ///     }
    /// }
    /// ```
    /// The corresponding libuv call is `uv_read_start` (the stream reads from the start; the
    /// handler takes over its chunks).
    ///
    /// - Parameter handler: called with each event. There is no back-pressure: a handler that
    ///   cannot keep up must copy or stop reading. The stream holds the handler until the end
    ///   of the stream, an error, `stopReading()` or `close(completion:)`: a handler that
    ///   captures the stream keeps it open until then.
    ///
    /// ## Threading
    /// The handler runs on the stream's loop thread: keep it short and never block in it. If the
    /// loop has shut down it is called at once, on the calling thread, with
    /// `.error(UVError.loopShutDown)`. While a handler is installed it takes over reading:
    /// `read(into:)`, `consumeBuffered` and `pollRead` see no new bytes and should not be used.
    public func startReading(handler: sending @escaping (ReadEvent) -> Void) {
        // The reader is made here so that it stores the handler as it is: passed through the
        // generic `onLoop(passing:)`, the closure came out wrapped in two reabstraction thunks
        // that every read event went through.
        let reader = CallbackReader(core: core, handler: handler)
        core.onLoop(passing: reader, { $0.install() }, ifShutDown: { reader, error in reader.fail(error) })
    }

    /// Stops calling the handler of `startReading(handler:)`. Bytes that arrive later are
    /// buffered for the other façades, as before reading started.
    ///
    /// ## Threading
    /// Any thread. Called on the loop thread (from the handler), no event follows; from another
    /// thread, an event already under way may still arrive.
    public func stopReading() {
        try? core.onLoop { [core] in core.callbackReader?.uninstall() }
    }

    /// Writes `bytes` and calls `completion` once libuv has written them or the write failed.
    ///
    /// On the loop thread contiguous bytes are written from the caller's memory with
    /// `uv_try_write`; only what the socket does not take at once is copied. From another thread
    /// the bytes are copied once to reach the loop. Writes complete in order. The corresponding
    /// libuv calls are `uv_try_write` and `uv_write`.
    ///
    /// - Parameters:
    ///   - bytes: the bytes; the caller may reuse their memory when the call returns.
    ///   - completion: called with nil on success, or the error: `UVError.brokenPipe` after
    ///     `shutdownWrite`, the connection's error, `UVError.closed`.
    ///
    /// ## Threading
    /// `completion` runs on the stream's loop thread (on the calling thread if the loop has shut
    /// down, with `UVError.loopShutDown`).
    ///
    /// Inlinable, so that the bytes are made contiguous where their type is known: the generic
    /// path, unspecialised in another module, cost more than the write itself.
    @inlinable
    public func write(_ bytes: some Collection<UInt8>, completion: sending @escaping (UVError?) -> Void) {
        if loop.inEventLoop {
            // The closure goes straight into the request: boxing it in the generic `Transfer` would
            // allocate two reabstraction thunks per write.
            return withContiguousBytes(bytes) { core.write($0, completion: .callback(completion)) }
        }
        write(copied: [UInt8](bytes), completion: completion)
    }

    /// Writes `bytes` and calls `completion` once they are written or the write failed; as
    /// `write(_:completion:)` above. This overload for raw bytes (such as the `.data` of a
    /// reading handler) takes no generic path, which an echo's hot loop notices.
    public func write(_ bytes: UnsafeRawBufferPointer, completion: sending @escaping (UVError?) -> Void) {
        if loop.inEventLoop { return core.write(bytes, completion: .callback(completion)) }
        write(copied: [UInt8](bytes), completion: completion)
    }

    /// From another thread: the copy travels to the loop in a job.
    @usableFromInline
    func write(copied copy: [UInt8], completion: sending @escaping (UVError?) -> Void) {
        let completion = Transfer(completion)
        do {
            try loop.execute { [core] in
                copy.withUnsafeBytes { core.write($0, completion: .callback(completion.value)) }
            }
        } catch {
            completion.value(error)
        }
    }

    /// Shuts down the write side once the bytes written so far are sent, then calls `completion`.
    /// The corresponding libuv call is `uv_shutdown`.
    ///
    /// - Parameter completion: called with nil once done (also when already shut down), or the
    ///   error.
    ///
    /// ## Threading
    /// `completion` runs on the stream's loop thread (on the calling thread if the loop has shut
    /// down).
    public func shutdownWrite(completion: sending @escaping (UVError?) -> Void) {
        core.onLoop(passing: completion, { [core] in core.shutdownWrite(completion: $0) }, ifShutDown: { $0($1) })
    }

    /// Closes the stream and calls `completion` once libuv has released it. Pending reads and
    /// writes end with `UVError.closed` (a reading handler gets `.error(UVError.closed)`).
    /// Closing twice is not an error. The corresponding libuv call is `uv_close`.
    ///
    /// ## Threading
    /// `completion` runs on the stream's loop thread (on the calling thread if the loop has shut
    /// down, which closed the stream already).
    public func close(completion: sending @escaping () -> Void) {
        core.onLoop(passing: completion, { [core] in core.close(then: $0) }, ifShutDown: { completion, _ in completion() })
    }
}
