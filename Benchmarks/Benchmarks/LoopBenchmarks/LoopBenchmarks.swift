import Benchmark
import UVIO

// What the event loop costs: handing it a job from another thread or from its own, and running
// a timer. Every benchmark uses one loop, started once for the process.
//
// Names read "Area/what is measured (from where)". Each loops over `benchmark.scaledIterations`,
// one operation a pass; with `scalingFactor: .kilo` an iteration is 1,000 operations and the
// figures (marked `*`) are still per operation.

let loop = EventLoop(name: "uvio-bench")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // A task on the global pool hands the loop a job and waits for it to run: the loop is woken
    // with `uv_async_send` every time, and the task resumes on the pool.
    Benchmark("Loop/execute round trip (from another thread)") { benchmark in
        for _ in benchmark.scaledIterations {
            await roundTrip()
        }
    }

    // 1,000 jobs per iteration from one other thread, waiting for the last: jobs that arrive
    // while a wake-up is pending share it, so this is the batched cost per job.
    Benchmark(
        "Loop/execute batch of 1,000 (from another thread)",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let last = benchmark.scaledIterations.upperBound - 1
            for index in benchmark.scaledIterations {
                try! loop.execute { if index == last { done.resume() } }
            }
        }
    }

    // The same round trip from a task that runs on the loop: the job goes to the loop's local
    // queue, with no lock and no wake-up, and the task resumes in the same loop iteration.
    benchmarkOnLoop("Loop/execute round trip (from the loop thread)") { iterations in
        for _ in iterations {
            await roundTrip()
        }
    }

    // A zero-delay timer scheduled from the loop thread and awaited until it fires: the cost of
    // the timer queue and one pass of the loop, without a thread hop.
    benchmarkOnLoop("Timer/schedule(in: .zero) and fire (from the loop thread)") { iterations in
        for _ in iterations {
            await withCheckedContinuation { (fired: CheckedContinuation<Void, Never>) in
                try! loop.schedule(in: .zero) { fired.resume() }
            }
        }
    }

    // A timer scheduled a minute ahead and cancelled at once, as a timeout that is not needed:
    // a heap entry and an atomic exchange; cancelled entries are dropped lazily.
    benchmarkOnLoop("Timer/schedule(in: 60 s) and cancel (from the loop thread)") { iterations in
        for _ in iterations {
            let timer = try! loop.schedule(in: .seconds(60)) {}
            blackHole(timer.cancel())
        }
    }
}

/// Hands the loop an empty job and waits until it has run.
func roundTrip() async {
    await withCheckedContinuation { (ran: CheckedContinuation<Void, Never>) in
        try! loop.execute { ran.resume() }
    }
}

/// Declares a benchmark of 1,000 operations an iteration whose `body` runs in a task that prefers
/// the loop as its executor, so on the loop thread; `body` gets the operations to run.
func benchmarkOnLoop(_ name: String, _ body: @escaping @Sendable (Range<Int>) async -> Void) {
    Benchmark(name, configuration: .init(scalingFactor: .kilo)) { benchmark in
        let iterations = benchmark.scaledIterations
        await Task(executorPreference: loop) {
            precondition(loop.inEventLoop, "the task should run on the loop thread")
            await body(iterations)
        }.value
    }
}
