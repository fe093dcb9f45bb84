import UVIO

// The TCP echo in the callback style: an accepting handler and a reading handler per connection.

/// Echoes every connection of `listener` from its reading handler: each chunk is written back
/// with `write(_:completion:)`. Reading stops while 4 writes (at most 1 MiB: a chunk is at most
/// the loop's 256 KiB read buffer) wait to complete, and starts again once they drain, as the C
/// reference does with its 1 MiB.
public func serveWithCallbacks(_ listener: TCPListener) {
    listener.startAccepting { result in
        guard case .success(let stream) = result else { return }
        noDelay(stream)
        CallbackEcho(stream).start()
    }
}

/// One connection's echo.
///
/// The write completion captures nothing but `self`, so that Swift passes the object as the
/// closure's context instead of allocating one: the steady state allocates nothing per message.
///
/// Safe as `@unchecked Sendable`: its state is touched only by the handlers, on the loop thread.
final class CallbackEcho: @unchecked Sendable {
    let stream: TCPStream
    /// Writes handed to `write` whose completion has not come yet.
    var unwritten = 0
    var paused = false
    static let pauseAt = 4

    init(_ stream: TCPStream) {
        self.stream = stream
    }

    func start() {
        stream.startReading { [self] event in
            switch event {
            case .data(let bytes):
                unwritten += 1
                stream.write(bytes) { [self] error in wrote(error) }
                if unwritten >= Self.pauseAt {
                    paused = true
                    stream.stopReading()
                }
            case .endOfStream, .error:
                stream.close {}
            }
        }
    }

    private func wrote(_ error: UVError?) {
        unwritten -= 1
        if error == nil, paused, unwritten < Self.pauseAt {
            paused = false
            start()
        }
    }
}
