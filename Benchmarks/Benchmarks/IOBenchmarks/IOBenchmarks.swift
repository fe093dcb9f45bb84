import Benchmark
import UVIO

// What I/O costs per operation: a 64-byte echo round trip over loopback TCP, and the helpers
// `readExact` and `readLine` over bytes already buffered (no socket, only the helper's own work).
//
// Each iteration is 1,000 operations (`scalingFactor: .kilo`); the figures marked `*` are per
// operation, mallocs included (both ends of a round trip are in the process). The TCP poll and
// callback round trips join when those façades land.

let loop = EventLoop(name: "uvio-io-bench")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    // A client and an echo server, both tasks preferring the loop, in one process: 64 bytes out
    // with `writeAll` and back with `readExact(into:)`. Four syscalls and one or two loop
    // iterations per round trip; the tasks never leave the loop thread.
    Benchmark(
        "TCP/echo round trip 64 B (async, tasks on the loop)",
        closure: { benchmark in
            let client = echoClient.withLock { $0! }
            let iterations = benchmark.scaledIterations
            await Task(executorPreference: loop) {
                let message = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
                defer { message.deallocate() }
                message.initializeMemory(as: UInt8.self, repeating: 0x78)
                for _ in iterations {
                    try! await client.writeAll(UnsafeRawBufferPointer(message))
                    try! await client.readExact(into: message)
                }
            }.value
        },
        setup: { try await startEchoPair() },
        teardown: { await stopEchoPair() }
    )

    // 64-byte UDP round trips, both ends in one façade on the loop thread (see UDPRoundTrips.swift).
    Benchmark(
        "UDP/echo round trip 64 B (async, tasks on the loop)",
        closure: { benchmark in
            await asyncRoundTrips(udpPair.withLock { $0!.client }, benchmark.scaledIterations.count)
        },
        setup: { try await startUDPPair(.async) },
        teardown: { await stopUDPPair() }
    )
    Benchmark(
        "UDP/echo round trip 64 B (callbacks)",
        closure: { benchmark in
            await udpPair.withLock { $0!.callbackClient! }.roundTrips(benchmark.scaledIterations.count)
        },
        setup: { try await startUDPPair(.callback) },
        teardown: { await stopUDPPair() }
    )
    Benchmark(
        "UDP/echo round trip 64 B (poll)",
        closure: { benchmark in
            await udpPair.withLock { $0!.pollClient! }.roundTrips(benchmark.scaledIterations.count)
        },
        setup: { try await startUDPPair(.poll) },
        teardown: { await stopUDPPair() }
    )

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
