/// The callback façade's reader of one stream: hands each chunk, the end of the stream or its
/// error to a handler, on the loop thread.
///
/// Chunks read while the receive buffer is empty come from `StreamCore.didRead`, straight from
/// the loop's read buffer. Bytes that were buffered before the handler was installed are given
/// first, copied out once so that the handler never runs under the stream's lock. The reader
/// waits in the core's `readers` under a fixed id; the wake-up only queues `drain()`, so a
/// handler is never called from inside another call of itself.
final class CallbackReader: @unchecked Sendable {
    // Safe: every method runs on the loop thread of `core`, except `fail`, which runs instead of
    // `install` when the loop has shut down.
    private let core: StreamCore
    private let handler: (TCPStream.ReadEvent) -> Void

    /// The id under which the reader waits: above those of `reserveID()` and of wakers in practice.
    private static let waiterID = UInt64.max

    init(core: StreamCore, handler: @escaping (TCPStream.ReadEvent) -> Void) {
        self.core = core
        self.handler = handler
    }

    private var isInstalled: Bool { core.callbackReader === self }

    /// Installs the reader in place of any other and delivers what is buffered.
    func install() {
        core.callbackReader?.uninstall()
        core.callbackReader = self
        drain()
    }

    /// Tells the handler that reading could not start (the loop has shut down); on the calling
    /// thread, the reader never installed.
    func fail(_ error: UVError) {
        handler(.error(error))
    }

    /// A chunk from `didRead`, valid only during the call.
    func deliver(_ bytes: UnsafeRawBufferPointer) {
        handler(.data(bytes))
    }

    /// Delivers what the buffer holds, then the end of the stream or its error; or waits.
    private func drain() {
        while isInstalled {
            let chunk: [UInt8]?
            do {
                chunk = try core.tryConsume { ($0.count, [UInt8]($0)) }
            } catch {
                uninstall()
                return handler(.error(error as? UVError ?? .closed))
            }
            guard let chunk else {
                if waitForMore() { return }
                continue
            }
            if chunk.isEmpty {
                uninstall()
                return handler(.endOfStream)
            }
            chunk.withUnsafeBytes { handler(.data($0)) }
        }
    }

    /// Registers for the next change, unless one happened already.
    private func waitForMore() -> Bool {
        let waiting = core.state.withLock { state in
            guard state.buffer.isEmpty, state.readEnd == nil else { return false }
            _ = state.readers.remove(Self.waiterID)
            state.readers.add(.callback { [self] _ in try? core.loop.execute { [self] in drain() } }, id: Self.waiterID)
            return true
        }
        if waiting { core.callbackSawBufferEmpty = true }
        return waiting
    }

    /// Stops delivering; later bytes stay in the receive buffer for the other façades.
    func uninstall() {
        guard isInstalled else { return }
        core.callbackReader = nil
        _ = core.state.withLock { $0.readers.remove(Self.waiterID) }
    }
}
