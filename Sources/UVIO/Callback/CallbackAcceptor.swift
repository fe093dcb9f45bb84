/// The callback façade's acceptor of one listener: hands each connection, then the error that
/// ended accepting, to a handler on the loop thread.
final class CallbackAcceptor: @unchecked Sendable {
    // Safe: every method runs on the loop thread of `core`.
    private let core: ListenerCore
    private let handler: (Result<TCPStream, UVError>) -> Void

    private static let waiterID = UInt64.max

    init(core: ListenerCore, handler: @escaping (Result<TCPStream, UVError>) -> Void) {
        self.core = core
        self.handler = handler
    }

    private var isInstalled: Bool { core.callbackAcceptor === self }

    /// Installs the acceptor in place of any other and hands over waiting connections.
    func install() {
        core.callbackAcceptor = self
        drain()
    }

    private func drain() {
        while isInstalled {
            do {
                if let stream = try core.tryTake() {
                    handler(.success(stream))
                    continue
                }
            } catch {
                uninstall()
                return handler(.failure(error))
            }
            let waiting = core.state.withLock { state in
                guard state.accepted.isEmpty, state.end == nil else { return false }
                _ = state.acceptors.remove(Self.waiterID)
                state.acceptors.add(.callback { [self] _ in try? core.loop.execute { [self] in drain() } },
                                    id: Self.waiterID)
                return true
            }
            if waiting { return }
        }
    }

    /// Stops handing over connections; later ones wait for `accept()`.
    func uninstall() {
        guard core.callbackAcceptor === self else { return }
        core.callbackAcceptor = nil
        _ = core.state.withLock { $0.acceptors.remove(Self.waiterID) }
    }

    /// Stops the installed acceptor of `core`, if any.
    static func uninstall(from core: ListenerCore) {
        core.callbackAcceptor?.uninstall()
    }
}
