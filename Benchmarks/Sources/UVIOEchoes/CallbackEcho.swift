import UVIO

// The TCP echo in the callback style: an accepting handler and a reading handler per connection.

/// Echoes every connection of `listener` from its reading handler: each chunk is written back
/// with `write(_:completion:)`. Reading stops while more than 1 MiB waits to be written and
/// starts again once it drains, as the C reference does.
public func serveWithCallbacks(_ listener: TCPListener) {
    listener.startAccepting { result in
        guard case .success(let stream) = result else { return }
        noDelay(stream)
        CallbackEcho(stream).start()
    }
}

/// One connection's echo.
///
/// Safe as `@unchecked Sendable`: its state is touched only by the handlers, on the loop thread.
final class CallbackEcho: @unchecked Sendable {
    let stream: TCPStream
    /// Bytes handed to `write` whose completion has not come yet.
    var unwritten = 0
    var paused = false

    init(_ stream: TCPStream) {
        self.stream = stream
    }

    func start() {
        stream.startReading { [self] event in
            switch event {
            case .data(let bytes):
                unwritten += bytes.count
                let count = bytes.count
                stream.write(bytes) { [self] error in
                    unwritten -= count
                    if error == nil, paused, unwritten < 1 << 20 {
                        paused = false
                        start()
                    }
                }
                if unwritten >= 1 << 20 {
                    paused = true
                    stream.stopReading()
                }
            case .endOfStream, .error:
                stream.close {}
            }
        }
    }
}
