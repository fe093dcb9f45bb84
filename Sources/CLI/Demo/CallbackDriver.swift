import UVIO

/// The callback façade: a reading handler and write completions on the client loop thread; the
/// next message goes out from the handler that saw the previous echo complete.
struct CallbackTCPDriver: LoadDriver {
    let name = "TCP callback"
    let server: SocketAddress
    let loop: EventLoop

    func runConnection(
        index: Int, size: Int, until deadline: ContinuousClock.Instant,
        recorder: LatencyRecorder
    ) async throws {
        let stream = try await TCPStream.connect(to: server, on: loop)
        try await stream.setNoDelay(true)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let exchange = CallbackExchange(
                stream: stream, index: index, size: size, deadline: deadline,
                recorder: recorder, continuation: continuation)
            do {
                try loop.execute { exchange.begin() }
            } catch {
                continuation.resume(throwing: error)
            }
        }
        await stream.close()
    }
}

/// One connection's exchange, driven by callbacks.
private final class CallbackExchange: @unchecked Sendable {
    // Safe: after `begin()` every member is touched only on the stream's loop thread, where the
    // handler and the completions run.
    let stream: TCPStream
    let index: Int
    let size: Int
    let deadline: ContinuousClock.Instant
    let recorder: LatencyRecorder
    private var continuation: CheckedContinuation<Void, any Error>?
    private var sequence = 0
    private var message: [UInt8] = []
    private var received: [UInt8] = []
    private var start = ContinuousClock.now
    private var shutDown = false

    init(
        stream: TCPStream, index: Int, size: Int, deadline: ContinuousClock.Instant, recorder: LatencyRecorder,
        continuation: CheckedContinuation<Void, any Error>
    ) {
        self.stream = stream
        self.index = index
        self.size = size
        self.deadline = deadline
        self.recorder = recorder
        self.continuation = continuation
    }

    func begin() {
        stream.startReading { [self] event in
            switch event {
            case .data(let bytes): didRead(bytes)
            case .endOfStream: finish(shutDown ? nil : UVError.unexpectedEndOfStream)
            case .error(let error): finish(error)
            }
        }
        sendNext()
    }

    private func sendNext() {
        guard recorder.now < deadline else {
            shutDown = true
            return stream.shutdownWrite { [self] error in if let error { finish(error) } }
        }
        message = loadMessage(connection: index, sequence: sequence, size: size)
        received.removeAll(keepingCapacity: true)
        start = recorder.now
        stream.write(message) { [self] error in if let error { finish(error) } }
    }

    private func didRead(_ bytes: UnsafeRawBufferPointer) {
        received.append(contentsOf: bytes)
        guard !shutDown, received.count >= size else {
            if shutDown { recorder.counters.mismatches.add(1, ordering: .relaxed) }  // bytes after the last echo
            return
        }
        if received.count > size { recorder.counters.mismatches.add(1, ordering: .relaxed) }
        recorder.record(since: start, sent: message, received: received.prefix(size))
        sequence += 1
        sendNext()
    }

    private func finish(_ error: UVError?) {
        guard let continuation else { return }
        self.continuation = nil
        stream.stopReading()
        if let error { continuation.resume(throwing: error) } else { continuation.resume() }
    }
}
