import ArgumentParser
import Foundation
import Synchronization
import UVIO

/// `uvio demo`: a short run that shows the event loop at work and checks what it shows.
///
/// For now it exercises the loop alone: jobs submitted from several threads, a task that prefers
/// the loop as its executor, timers, a sleep and a clean shutdown. It prints one row per check and
/// exits non-zero if any check failed. Later issues turn it into the TCP/UDP demo.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show the event loop at work for a few seconds and check what it shows."
    )

    @Option(help: "Event loops in the group.")
    var loops = 2

    @Option(help: "Threads that submit jobs to the loops.")
    var threads = 4

    @Option(help: "Jobs each thread submits.")
    var jobsPerThread = 100_000

    func validate() throws {
        guard loops >= 1, threads >= 1, jobsPerThread >= 1 else {
            throw ValidationError("--loops, --threads and --jobs-per-thread must be at least 1")
        }
    }

    func run() async throws {
        let group = try EventLoopGroup(loopCount: loops, name: "uvio-demo")
        let names = group.loops.map(\.name).joined(separator: ", ")
        print("uvio demo: an EventLoopGroup of \(loops) loops (\(names))\n")

        var rows: [Row] = []
        rows.append(await Self.crossThreadJobs(group, threads: threads, jobsPerThread: jobsPerThread))
        rows.append(await Self.executorPreference(group.next()))
        rows.append(await Self.timers(group.next()))
        rows.append(await Self.sleep(group.next()))
        rows.append(await Self.shutdown(group))

        Row.printTable(rows)
        let failed = rows.filter { !$0.passed }.count
        print(failed == 0 ? "\nall \(rows.count) checks passed" : "\n\(failed) of \(rows.count) checks FAILED")
        if failed > 0 { throw ExitCode.failure }
    }

    // MARK: Checks

    /// Plain threads submit numbered jobs with `execute`; each job checks that it runs on its loop's
    /// thread and after the job its thread submitted before it.
    static func crossThreadJobs(_ group: EventLoopGroup, threads: Int, jobsPerThread: Int) async -> Row {
        let total = threads * jobsPerThread
        let lanes = (0..<threads).map { _ in Lane() }
        let done = Counter()
        let clock = ContinuousClock()
        let start = clock.now
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            for (index, lane) in lanes.enumerated() {
                let loop = group.loops[index % group.loops.count]
                Thread.detachNewThread {
                    for sequence in 0..<jobsPerThread {
                        do {
                            try loop.execute {
                                lane.record(sequence, on: loop)
                                if done.increment() == total { finished.resume() }
                            }
                        } catch {
                            lane.refused.add(1, ordering: .relaxed)
                            if done.increment() == total { finished.resume() }
                        }
                    }
                }
            }
        }
        let elapsed = clock.now - start
        let offLoop = lanes.reduce(0) { $0 + $1.offLoop.load(ordering: .relaxed) }
        let outOfOrder = lanes.reduce(0) { $0 + $1.outOfOrder.load(ordering: .relaxed) }
        let refused = lanes.reduce(0) { $0 + $1.refused.load(ordering: .relaxed) }
        let rate = Double(total) / max(elapsed.seconds, 1e-9)
        let clean = offLoop + outOfOrder + refused == 0
        var detail = "\(total) jobs from \(threads) threads in \(elapsed.milliseconds) (\(Self.count(rate)) jobs/s)"
        if clean {
            detail += "; all on loop threads, in order per thread"
        } else {
            detail += "; \(offLoop) off the loop, \(outOfOrder) out of order, \(refused) refused"
        }
        return Row("cross-thread jobs", passed: clean, detail)
    }

    /// A task that prefers the loop as its executor runs on the loop thread, and stays there across
    /// suspension points; a task without the preference does not.
    static func executorPreference(_ loop: EventLoop) async -> Row {
        let seen = await Task(executorPreference: loop) { () async -> [(String, Bool)] in
            var seen = [("at start", loop.inEventLoop)]
            await Task.yield()
            seen.append(("after yield", loop.inEventLoop))
            try? await loop.sleep(for: .milliseconds(2))
            seen.append(("after sleep", loop.inEventLoop))
            seen.append(("in a nonisolated call", await isOnLoop(loop)))
            return seen
        }.value
        let plainTaskOnLoop = await Task { loop.inEventLoop }.value
        let missed = seen.filter { !$0.1 }.map(\.0)
        var detail = "Task(executorPreference:) ran on \(loop.name) at start, after yield, after sleep, in a call"
        if !missed.isEmpty {
            detail = "Task(executorPreference:) was off the loop \(missed.joined(separator: ", "))"
        }
        detail += plainTaskOnLoop ? "; a plain Task ran on the loop (unexpected)" : "; a plain Task ran off it"
        return Row("executor preference", passed: missed.isEmpty && !plainTaskOnLoop, detail)
    }

    /// Timers scheduled out of order fire in deadline order; a cancelled one never fires.
    static func timers(_ loop: EventLoop) async -> Row {
        let delays = [50, 10, 40, 20, 30]
        let clock = ContinuousClock()
        let (firings, sink) = AsyncStream.makeStream(of: (delay: Int, lateness: Duration).self)
        let start = clock.now
        let cancelledBeforeFiring: Bool
        let watchdog: Scheduled
        do {
            for delay in delays {
                try loop.schedule(in: .milliseconds(delay)) {
                    sink.yield((delay, clock.now - (start + .milliseconds(delay))))
                }
            }
            let cancelled = try loop.schedule(in: .milliseconds(25)) { sink.yield((25, .zero)) }
            cancelledBeforeFiring = cancelled.cancel()
            // If a timer never fires, end the wait rather than hang the demo.
            watchdog = try loop.schedule(in: .seconds(2)) { sink.finish() }
        } catch {
            return Row("timers in deadline order", passed: false, "schedule threw \(error)")
        }
        var fired: [(delay: Int, lateness: Duration)] = []
        for await firing in firings {
            fired.append(firing)
            if fired.count == delays.count { break }
        }
        watchdog.cancel()
        let order = fired.map(\.delay)
        let passed = order == delays.sorted() && cancelledBeforeFiring
        let latest = fired.map(\.lateness).max() ?? .zero
        func list(_ delays: [Int]) -> String { delays.map(String.init).joined(separator: ", ") }
        var detail = "scheduled \(list(delays)) ms; fired \(list(order)) ms"
        detail += " (at most \(latest.milliseconds) late)"
        detail += cancelledBeforeFiring && !order.contains(25) ? "; cancelled one never fired" : "; cancel FAILED"
        return Row("timers in deadline order", passed: passed, detail)
    }

    /// `sleep(for:)` suspends for at least the duration asked, timed by the loop.
    static func sleep(_ loop: EventLoop) async -> Row {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await loop.sleep(for: .milliseconds(20))
        } catch {
            return Row("sleep(for: 20 ms)", passed: false, "threw \(error)")
        }
        let elapsed = clock.now - start
        return Row("sleep(for: 20 ms)", passed: elapsed >= .milliseconds(20), "resumed after \(elapsed.milliseconds)")
    }

    /// Shutting the group down closes every loop; a loop that has closed refuses new jobs.
    static func shutdown(_ group: EventLoopGroup) async -> Row {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await group.shutdown()
        } catch {
            return Row("clean shutdown", passed: false, "shutdown threw \(error)")
        }
        let elapsed = clock.now - start
        var refusal = "execute afterwards did not throw"
        var refused = false
        do {
            try group.loops[0].execute {}
        } catch {
            refused = error == .loopShutDown
            refusal = "execute afterwards throws \(error.name)"
        }
        return Row(
            "clean shutdown", passed: refused,
            "\(group.loops.count) loops shut down in \(elapsed.milliseconds); \(refusal)")
    }

    static func count(_ value: Double) -> String {
        value >= 1e6 ? String(format: "%.2f M", value / 1e6) : String(format: "%.0f k", value / 1e3)
    }
}

/// A nonisolated async function runs on the task's preferred executor, if it has one.
private func isOnLoop(_ loop: EventLoop) async -> Bool {
    loop.inEventLoop
}

/// One line of the demo's report.
struct Row {
    let name: String
    let passed: Bool
    let detail: String

    init(_ name: String, passed: Bool, _ detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }

    static func printTable(_ rows: [Row]) {
        let width = rows.map(\.name.count).max() ?? 0
        func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        print("  \(pad("check"))  result  detail")
        print("  \(String(repeating: "-", count: width))  ------  ------")
        for row in rows {
            print("  \(pad(row.name))  \(row.passed ? "ok    " : "FAILED")  \(row.detail)")
        }
    }
}

/// What one submitting thread's jobs saw. Its jobs all run on one loop thread, in turn.
final class Lane: Sendable {
    let last = Atomic<Int>(-1)
    let outOfOrder = Atomic<Int>(0)
    let offLoop = Atomic<Int>(0)
    let refused = Atomic<Int>(0)

    func record(_ sequence: Int, on loop: EventLoop) {
        if !loop.inEventLoop { offLoop.add(1, ordering: .relaxed) }
        if last.exchange(sequence, ordering: .relaxed) != sequence - 1 { outOfOrder.add(1, ordering: .relaxed) }
    }
}

/// A shared count; `increment()` returns the new value.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    func increment() -> Int {
        value.add(1, ordering: .acquiringAndReleasing).newValue
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in milliseconds with one decimal, such as "20.4 ms".
    var milliseconds: String {
        String(format: "%.1f ms", seconds * 1e3)
    }
}
