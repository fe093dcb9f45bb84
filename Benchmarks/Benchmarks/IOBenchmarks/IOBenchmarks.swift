import Benchmark
import UVIO

// What I/O costs per operation: a 64-byte echo round trip over loopback TCP and UDP in each
// façade, a waker's wake, and the helpers `readExact` and `readLine` over bytes already buffered
// (no socket, only the helper's own work).
//
// Each iteration is 1,000 operations (`scalingFactor: .kilo`); the figures marked `*` are per
// operation, mallocs included (both ends of a round trip are in the process).

let loop = EventLoop(name: "uvio-io-bench")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    // 64-byte round trips over loopback, both ends in one façade on the loop thread: a client
    // and the side-by-side echo server in one process (TCPRoundTrips.swift, UDPRoundTrips.swift).
    // Allocations count both ends.
    roundTrip("TCP/echo round trip 64 B (async, tasks on the loop)", tcp: .async) { count in
        await asyncRoundTrips(tcpPair.withLock { $0!.client }, count)
    }
    roundTrip("TCP/echo round trip 64 B (callbacks)", tcp: .callback) { count in
        await tcpPair.withLock { $0!.callbackClient! }.roundTrips(count)
    }
    roundTrip("TCP/echo round trip 64 B (poll)", tcp: .poll) { count in
        let client = tcpPair.withLock { $0!.client }
        try! await FutureExecutor.spawn(TCPPingPong(stream: client, remaining: count), on: loop).value
    }
    roundTrip("UDP/echo round trip 64 B (async, tasks on the loop)", udp: .async) { count in
        await asyncRoundTrips(udp: udpPair.withLock { $0!.client }, count)
    }
    roundTrip("UDP/echo round trip 64 B (callbacks)", udp: .callback) { count in
        await udpPair.withLock { $0!.callbackClient! }.roundTrips(count)
    }
    roundTrip("UDP/echo round trip 64 B (poll)", udp: .poll) { count in
        let client = udpPair.withLock { $0!.client }
        try! await FutureExecutor.spawn(UDPPingPong(socket: client, remaining: count), on: loop).value
    }

    // A future that wakes its own waker and returns `.pending`, 1,000 times: the cost of one
    // wake on the loop thread (a local job, no system call) and the poll that follows.
    Benchmark("Future/waker wake and re-poll (from the loop thread)") { benchmark in
        try! await FutureExecutor.spawn(WakeSelf(remaining: benchmark.scaledIterations.count), on: loop).value
    }

    // 64-byte records from a buffer that always holds data, into memory of the caller's.
    Benchmark("IO/readExact(into:) 64 B over buffered data") { benchmark in
        let reader = MemoryReader(repeating: Array(repeating: 0x78, count: 64))
        let record = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
        defer { record.deallocate() }
        for _ in benchmark.scaledIterations {
            try! await reader.readExact(into: record)
        }
    }

    // The same records returned as arrays: one array per record, and a scratch buffer per call.
    Benchmark("IO/readExact(64) returning [UInt8] over buffered data") { benchmark in
        let reader = MemoryReader(repeating: Array(repeating: 0x78, count: 64))
        for _ in benchmark.scaledIterations {
            blackHole(try! await reader.readExact(64))
        }
    }

    // Lines of 30 characters and "\r\n", as text.
    Benchmark("IO/readLine() of 30 characters over buffered data") { benchmark in
        let reader = MemoryReader(repeating: Array("GET /index.html HTTP/1.1 ok ok\r\n".utf8))
        for _ in benchmark.scaledIterations {
            blackHole(try! await reader.readLine())
        }
    }

    // The same lines from a real stream: 1,000 lines written at once to the async echo, then
    // read back with `TCPStream.readLine()` (the helper over the stream's own buffer).
    roundTrip("IO/readLine() of 30 characters from a TCPStream (echoed, 1,000 per write)", tcp: .async) { count in
        await readEchoedLines(tcpPair.withLock { $0!.client }, count)
    }
}

/// Writes `count` 32-byte lines to the echo in one `writeAll`, then reads them back one by one.
func readEchoedLines(_ client: TCPStream, _ count: Int) async {
    let line = Array("GET /index.html HTTP/1.1 ok ok\r\n".utf8)
    let lines = Array(repeatElement(line, count: count).joined())
    await Task(executorPreference: loop) {
        try! await client.writeAll(lines)
        for _ in 0..<count { blackHole(try! await client.readLine()) }
    }.value
}

/// An endless reader that serves `pattern` over and over from memory, so that a helper never
/// waits: what is measured is the helper alone. It hands out up to 64 KiB of repetitions at a time.
final class MemoryReader: AsyncBufferedByteReader {
    private let bytes: [UInt8]
    private let period: Int
    private var offset = 0

    init(repeating pattern: [UInt8]) {
        period = pattern.count
        let copies = max(1, 64 * 1024 / pattern.count)
        bytes = Array((0..<copies).map { _ in pattern }.joined())
    }

    func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        try bytes.withUnsafeBytes { all in
            let (consumed, result) = try body(UnsafeRawBufferPointer(rebasing: all[offset...]))
            offset += consumed
            // Back to the same place in the pattern near the start, so the buffer never runs dry.
            if offset > all.count - period { offset %= period }
            return result
        }
    }
}

/// Declares a TCP round-trip benchmark: `body` runs the iteration's round trips over a pair made
/// in `style` in the benchmark's setup (outside the measurement) and closed in its teardown.
func roundTrip(_ name: String, tcp style: Style, _ body: @escaping @Sendable (Int) async -> Void) {
    Benchmark(
        name,
        closure: { benchmark in await body(benchmark.scaledIterations.count) },
        setup: { try await startTCPPair(style) },
        teardown: { await stopTCPPair() }
    )
}

/// Declares a UDP round-trip benchmark; see `roundTrip(_:tcp:_:)`.
func roundTrip(_ name: String, udp style: Style, _ body: @escaping @Sendable (Int) async -> Void) {
    Benchmark(
        name,
        closure: { benchmark in await body(benchmark.scaledIterations.count) },
        setup: { try await startUDPPair(style) },
        teardown: { await stopUDPPair() }
    )
}

/// Returns `.pending` after waking its own waker, `remaining` times, then `.ready`.
struct WakeSelf: Future {
    var remaining: Int

    mutating func poll(_ context: inout Context) throws -> Poll<Void> {
        guard remaining > 0 else { return .ready(()) }
        remaining -= 1
        context.waker.wake()
        return .pending
    }
}
