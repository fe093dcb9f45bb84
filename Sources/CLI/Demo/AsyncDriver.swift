import UVIO

/// The async/await façade: a task per connection on the client loop, `writeAll` then
/// `readExact` for each message, then a half-close and `readToEnd` to see the server's end.
struct AsyncTCPDriver: LoadDriver {
    let name = "TCP async"
    let server: SocketAddress
    let loop: EventLoop

    func runConnection(
        index: Int, size: Int, until deadline: ContinuousClock.Instant,
        recorder: LatencyRecorder
    ) async throws {
        try await Task(executorPreference: loop) {
            let stream = try await TCPStream.connect(to: server, on: loop)
            try await stream.setNoDelay(true)
            try await pingPong(stream, index: index, size: size, until: deadline, recorder: recorder)
            await stream.close()
        }.value
    }
}

/// The same over a Unix domain socket (`PipeStream`).
struct AsyncUnixDriver: LoadDriver {
    let name = "Unix async"
    let path: String
    let loop: EventLoop

    func runConnection(
        index: Int, size: Int, until deadline: ContinuousClock.Instant,
        recorder: LatencyRecorder
    ) async throws {
        try await Task(executorPreference: loop) {
            let stream = try await PipeStream.connect(path: path, on: loop)
            try await pingPong(stream, index: index, size: size, until: deadline, recorder: recorder)
            await stream.close()
        }.value
    }
}

/// Sends message after message until `deadline`, checking each echo; then half-closes and
/// expects the server to end its side with no byte more.
func pingPong(
    _ stream: some AsyncBufferedByteReader & AsyncByteWriter, index: Int, size: Int,
    until deadline: ContinuousClock.Instant, recorder: LatencyRecorder
) async throws {
    var sequence = 0
    while recorder.now < deadline {
        let message = loadMessage(connection: index, sequence: sequence, size: size)
        let start = recorder.now
        try await stream.writeAll(message)
        let echoed = try await stream.readExact(size)
        recorder.record(since: start, sent: message, received: echoed)
        sequence += 1
    }
    try await stream.shutdownWrite()
    let rest = try await stream.readToEnd(limit: 1 << 20)
    if !rest.isEmpty { recorder.counters.mismatches.add(1, ordering: .relaxed) }
}
