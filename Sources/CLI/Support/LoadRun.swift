import Synchronization
import UVIO

/// One client connection of a load run: it sends messages of `size` bytes one at a time, reads
/// each echo back, checks it byte for byte, and records the round trip.
///
/// Each façade's driver (`Sources/CLI/Demo/`) implements this for its own kind of client.
protocol LoadDriver: Sendable {
    /// The row's name in the table, such as "TCP  async".
    var name: String { get }
    /// Runs one connection until `deadline`; records into `recorder`.
    func runConnection(
        index: Int, size: Int, until deadline: ContinuousClock.Instant,
        recorder: LatencyRecorder) async throws
}

/// The message a connection sends as its `sequence`-th: every byte depends on the connection and
/// the sequence, so an echo from the wrong connection or of an old message is caught.
func loadMessage(connection: Int, sequence: Int, size: Int) -> [UInt8] {
    let seed = UInt8(truncatingIfNeeded: connection &* 41 &+ sequence &* 7)
    return (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 8)) &+ seed }
}

/// Live counters shared by every connection of a run (read by the progress line), and the
/// latencies each connection hands in when it ends.
final class LoadCounters: Sendable {
    let messages = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
    let mismatches = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let latencies = Locked<[UInt64]>([])
    let firstError = Locked<String?>(nil)
}

/// What one connection measures: round trips in nanoseconds, kept locally and handed in once.
final class LatencyRecorder: @unchecked Sendable {
    // Safe: one connection's task uses it, one message at a time; `counters` is thread-safe.
    let counters: LoadCounters
    private var samples: [UInt64] = []
    private let clock = ContinuousClock()

    init(counters: LoadCounters) { self.counters = counters }

    var now: ContinuousClock.Instant { clock.now }

    /// Records one echoed message: its round trip since `start`, and whether it came back intact.
    func record(since start: ContinuousClock.Instant, sent: [UInt8], received: some Collection<UInt8>) {
        let elapsed = clock.now - start
        samples.append(
            UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000))
        counters.messages.add(1, ordering: .relaxed)
        counters.bytes.add(sent.count * 2, ordering: .relaxed)
        if !sent.elementsEqual(received) { counters.mismatches.add(1, ordering: .relaxed) }
    }

    func handIn() {
        counters.latencies.withLock { $0 += samples }
        samples = []
    }
}

/// The result of one load run, a row of the table.
struct LoadResult: Sendable {
    let name: String
    let connections: Int
    let messages: Int
    let bytes: Int
    let elapsed: Duration
    let p50: UInt64
    let p99: UInt64
    let mismatches: Int
    let failures: Int
    let firstError: String?

    var passed: Bool { mismatches == 0 && failures == 0 && messages > 0 }
}

/// Runs `connections` connections of `driver` for `duration`, with a progress line, and returns
/// the row.
func runLoad(_ driver: some LoadDriver, connections: Int, size: Int, duration: Duration) async -> LoadResult {
    let counters = LoadCounters()
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start + duration
    let progress = Task {
        while !Task.isCancelled {
            let elapsed = (clock.now - start).seconds
            let messages = Format.count(counters.messages.load(ordering: .relaxed))
            let name = driver.name.padding(toLength: 14, withPad: " ", startingAt: 0)
            Console.progress("  " + name + String(format: "  %4.1f s  ", elapsed) + messages + " messages")
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
    await withTaskGroup(of: Void.self) { group in
        for index in 0..<connections {
            group.addTask {
                let recorder = LatencyRecorder(counters: counters)
                do {
                    try await driver.runConnection(index: index, size: size, until: deadline, recorder: recorder)
                } catch {
                    counters.failures.add(1, ordering: .relaxed)
                    counters.firstError.withLock { $0 = $0 ?? "\(error)" }
                }
                recorder.handIn()
            }
        }
    }
    let elapsed = clock.now - start
    progress.cancel()
    await progress.value
    let sorted = counters.latencies.withLock { $0.sorted() }
    func percentile(_ p: Double) -> UInt64 {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
    return LoadResult(
        name: driver.name, connections: connections, messages: counters.messages.load(ordering: .relaxed),
        bytes: counters.bytes.load(ordering: .relaxed), elapsed: elapsed, p50: percentile(0.50),
        p99: percentile(0.99), mismatches: counters.mismatches.load(ordering: .relaxed),
        failures: counters.failures.load(ordering: .relaxed), firstError: counters.firstError.withLock { $0 })
}
