internal import CLibUV
import HeapModule
import Synchronization

/// One scheduled piece of work. Its state decides the race between firing and cancelling:
/// whichever moves it out of `pending` first wins, so a cancelled timer never fires.
final class TimerEntry: Sendable {
    enum Action: @unchecked Sendable {
        // Safe: a continuation is resumed exactly once, by whoever wins the `state` exchange.
        case closure(@Sendable () -> Void)
        case continuation(HandOff<Void, any Error>)
    }

    static let pending: UInt8 = 0
    static let fired: UInt8 = 1
    static let cancelled: UInt8 = 2

    let action: Action
    let state = Atomic<UInt8>(TimerEntry.pending)

    init(_ action: Action) { self.action = action }

    /// Moves from pending to `newState`; true for the one caller that succeeds.
    func claim(_ newState: UInt8) -> Bool {
        state.compareExchange(expected: Self.pending, desired: newState, ordering: .acquiringAndReleasing).exchanged
    }
}

/// The loop's timers: a min-heap by deadline (FIFO among equal deadlines) behind a single
/// `uv_timer_t`, so a timer costs a heap entry rather than a libuv handle. Loop thread only.
struct TimerQueue {
    struct Item: Comparable {
        let deadline: UInt64
        let sequence: UInt64
        let entry: TimerEntry

        static func < (lhs: Item, rhs: Item) -> Bool {
            (lhs.deadline, lhs.sequence) < (rhs.deadline, rhs.sequence)
        }
        static func == (lhs: Item, rhs: Item) -> Bool {
            lhs.deadline == rhs.deadline && lhs.sequence == rhs.sequence
        }
    }

    private var heap = Heap<Item>()
    private var nextSequence: UInt64 = 0
    private var armedDeadline: UInt64?

    var count: Int { heap.count }

    /// Adds an entry due at `deadline` (`uv_hrtime` nanoseconds) and re-arms the libuv timer if
    /// it is now the earliest.
    mutating func add(_ entry: TimerEntry, deadline: UInt64, loop: EventLoop) {
        heap.insert(Item(deadline: deadline, sequence: nextSequence, entry: entry))
        nextSequence &+= 1
        // Cancelled entries are dropped lazily; rebuild when they outnumber the live ones so a
        // stream of cancelled timeouts cannot grow the heap without bound.
        if heap.count > 64, heap.count % 64 == 0 { compactIfMostlyCancelled() }
        arm(loop: loop)
    }

    /// Removes and returns the entries whose deadline has passed, in deadline order. The caller
    /// runs them after this mutation ends, so a timer body may schedule timers itself.
    mutating func takeDue() -> [TimerEntry] {
        armedDeadline = nil
        let now = uv_hrtime()
        var due: [TimerEntry] = []
        while let first = heap.min, first.deadline <= now {
            _ = heap.removeMin()
            if first.entry.claim(TimerEntry.fired) { due.append(first.entry) }
        }
        return due
    }

    /// Runs the due timers, then re-arms the libuv timer for the next one.
    static func fireDue(loop: EventLoop) {
        for entry in loop.timers.takeDue() {
            switch entry.action {
            case .closure(let body): body()
            case .continuation(let continuation): continuation.resume()
            }
        }
        loop.timers.arm(loop: loop)
    }

    /// Cancels every entry: sleepers resume with `UVError.loopShutDown`, closures are dropped.
    mutating func cancelAll(loop: EventLoop) {
        while let item = heap.popMin() {
            guard item.entry.claim(TimerEntry.cancelled) else { continue }
            if case .continuation(let continuation) = item.entry.action {
                continuation.resume(throwing: UVError.loopShutDown)
            }
        }
        armedDeadline = nil
    }

    mutating func arm(loop: EventLoop) {
        while let first = heap.min, first.entry.state.load(ordering: .relaxed) != TimerEntry.pending {
            _ = heap.removeMin()
        }
        guard let deadline = heap.min?.deadline else {
            uv_timer_stop(loop.timerHandle)
            armedDeadline = nil
            return
        }
        if armedDeadline == deadline { return }
        armedDeadline = deadline
        let now = uv_hrtime()
        // libuv counts in whole milliseconds; round up so a timer never fires early.
        let milliseconds = deadline > now ? (deadline - now + 999_999) / 1_000_000 : 0
        uv_timer_start(loop.timerHandle, { handle in
            TimerQueue.fireDue(loop: EventLoop.from(handle!))
        }, milliseconds, 0)
    }

    private mutating func compactIfMostlyCancelled() {
        let live = heap.unordered.filter { $0.entry.state.load(ordering: .relaxed) == TimerEntry.pending }
        if live.count * 2 < heap.count { heap = Heap(live) }
    }
}
