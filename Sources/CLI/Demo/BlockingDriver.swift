import Foundation
import UVIO

/// The blocking façade: each connection is a `TCPClient` on a plain thread of its own (a blocking
/// call must never hold one of Swift's few cooperative threads), with `writeAll` and `readExact`.
struct BlockingTCPDriver: LoadDriver {
    let name = "TCP blocking"
    let server: SocketAddress
    let loop: EventLoop

    func runConnection(
        index: Int, size: Int, until deadline: ContinuousClock.Instant,
        recorder: LatencyRecorder
    ) async throws {
        let (server, loop) = (server, loop)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        let client = try TCPClient(host: server.ipAddress, port: server.port, on: loop)
                        defer { try? client.close() }
                        try client.setNoDelay(true)
                        var sequence = 0
                        while recorder.now < deadline {
                            let message = loadMessage(connection: index, sequence: sequence, size: size)
                            let start = recorder.now
                            try client.writeAll(message)
                            let echoed = try client.readExact(size)
                            recorder.record(since: start, sent: message, received: echoed)
                            sequence += 1
                        }
                        try client.shutdown(.write)
                        if !(try client.read(maxBytes: 1)).isEmpty {
                            recorder.counters.mismatches.add(1, ordering: .relaxed)
                        }
                    })
            }
        }
    }
}
