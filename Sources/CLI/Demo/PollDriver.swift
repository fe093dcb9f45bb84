import UVIO

/// The poll façade: each connection is one hand-written future, spawned on the client loop with
/// `FutureExecutor`, that calls `pollWrite`, `pollRead` and `pollShutdown` itself.
struct PollTCPDriver: LoadDriver {
    let name = "TCP poll"
    let server: SocketAddress
    let loop: EventLoop

    func runConnection(
        index: Int, size: Int, until deadline: ContinuousClock.Instant,
        recorder: LatencyRecorder
    ) async throws {
        let stream = try await TCPStream.connect(to: server, on: loop)
        try await stream.setNoDelay(true)
        let future = PingPong(stream: stream, index: index, size: size, deadline: deadline, recorder: recorder)
        try await FutureExecutor.spawn(future, on: loop).value
        await stream.close()
    }
}

/// Message after message until the deadline, then a half-close and a read that must see the end.
private struct PingPong: Future {
    let stream: TCPStream
    let index: Int
    let size: Int
    let deadline: ContinuousClock.Instant
    let recorder: LatencyRecorder

    private enum Step {
        case next
        case writing(message: [UInt8], written: Int, start: ContinuousClock.Instant)
        case reading(message: [UInt8], received: [UInt8], filled: Int, start: ContinuousClock.Instant)
        case shuttingDown
        case awaitingEnd
    }

    private var step = Step.next
    private var sequence = 0

    init(stream: TCPStream, index: Int, size: Int, deadline: ContinuousClock.Instant, recorder: LatencyRecorder) {
        self.stream = stream
        self.index = index
        self.size = size
        self.deadline = deadline
        self.recorder = recorder
    }

    mutating func poll(_ context: inout Context) throws -> Poll<Void> {
        while true {
            switch step {
            case .next:
                if recorder.now >= deadline {
                    step = .shuttingDown
                } else {
                    step = .writing(
                        message: loadMessage(connection: index, sequence: sequence, size: size), written: 0,
                        start: recorder.now)
                }
            case .writing(let message, let written, let start):
                let result = try message.withUnsafeBytes { bytes in
                    try stream.pollWrite(&context, UnsafeRawBufferPointer(rebasing: bytes[written...]))
                }
                guard case .ready(let count) = result else { return .pending }
                guard count > 0 else { throw UVError.writeZero }
                step =
                    written + count == message.count
                    ? .reading(message: message, received: [UInt8](repeating: 0, count: size), filled: 0, start: start)
                    : .writing(message: message, written: written + count, start: start)
            case .reading(let message, var received, let filled, let start):
                let result = try received.withUnsafeMutableBytes { bytes in
                    try stream.pollRead(&context, into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]))
                }
                guard case .ready(let count) = result else { return .pending }
                guard count > 0 else { throw UVError.unexpectedEndOfStream }
                if filled + count == size {
                    recorder.record(since: start, sent: message, received: received)
                    sequence += 1
                    step = .next
                } else {
                    step = .reading(message: message, received: received, filled: filled + count, start: start)
                }
            case .shuttingDown:
                guard case .ready = try stream.pollShutdown(&context) else { return .pending }
                step = .awaitingEnd
            case .awaitingEnd:
                var byte: UInt8 = 0
                let result = try withUnsafeMutableBytes(of: &byte) { try stream.pollRead(&context, into: $0) }
                guard case .ready(let count) = result else { return .pending }
                if count > 0 { recorder.counters.mismatches.add(1, ordering: .relaxed) }
                return .ready(())
            }
        }
    }
}
