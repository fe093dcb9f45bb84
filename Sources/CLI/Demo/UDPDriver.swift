import UVIO

/// UDP with async/await: each "connection" is a connected `UDPSocket` sending one datagram at a
/// time and waiting for its echo. A datagram that does not come back within a second fails the
/// connection (on loopback none is lost unless the machine is starved).
struct AsyncUDPDriver: LoadDriver {
    let name = "UDP async"
    let server: SocketAddress
    let loop: EventLoop

    func runConnection(
        index: Int, size: Int, until deadline: ContinuousClock.Instant,
        recorder: LatencyRecorder
    ) async throws {
        try await Task(executorPreference: loop) {
            let socket = try await UDPSocket.connect(to: server, on: loop)
            var sequence = 0
            while recorder.now < deadline {
                let message = loadMessage(connection: index, sequence: sequence, size: size)
                let start = recorder.now
                try await socket.send(message)
                guard let echo = try await receive(from: socket, within: .seconds(1), on: loop) else {
                    throw UVError.timedOut
                }
                recorder.record(since: start, sent: message, received: echo.bytes)
                sequence += 1
            }
            await socket.close()
        }.value
    }
}

/// The next datagram, or nil when none arrives within `limit` (the receive is then cancelled,
/// which takes nothing from the socket's queue).
func receive(from socket: UDPSocket, within limit: Duration, on loop: EventLoop) async throws -> Datagram? {
    try await withThrowingTaskGroup(of: Datagram?.self) { group in
        group.addTask(executorPreference: loop) { try await socket.receive() }
        group.addTask(executorPreference: loop) {
            try await loop.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
