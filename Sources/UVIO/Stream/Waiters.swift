import Synchronization

/// A party waiting for a stream's state to change: a suspended task, a poll-style future's
/// waker, or a plain thread of the blocking façade.
///
/// Waiters are told only that something changed; each then looks at the state again under the
/// lock. So a wake-up never carries data and never loses it.
enum Waiter: @unchecked Sendable {
    // Safe: a continuation is resumed exactly once — by whoever removes the waiter from its
    // `WaiterList` while holding the stream's lock.
    case continuation(HandOff<Void, any Error>)
    case signal(ThreadSignal)
    /// A poll-style future's waker: woken, its task polls again (errors are seen on that poll).
    case waker(Waker)
    /// A closure told how the wait ended: nil when woken, else the error (timeout, cancellation).
    case callback(@Sendable ((any Error)?) -> Void)
    /// A suspended `read(into:)` that libuv may fill directly (`StreamCore.readTarget`): resumed
    /// with the count read into `buffer`, or with nil to look at the state again.
    case filling(HandOff<Int?, any Error>, UnsafeMutableRawBufferPointer)

    /// Wakes the waiter; `error` ends its wait with that error (timeout, cancellation).
    func wake(_ error: (any Error)? = nil) {
        switch self {
        case .continuation(let continuation):
            if let error { continuation.resume(throwing: error) } else { continuation.resume() }
        case .signal(let signal):
            signal.post()
        case .waker(let waker):
            waker.wake()
        case .callback(let callback):
            callback(error)
        case .filling(let continuation, _):
            if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
        }
    }
}

/// The waiters of one kind (readers, writers, acceptors) with ids, so that one can be removed
/// when its task is cancelled or its timeout fires. Guarded by the owner's lock.
struct WaiterList {
    private var entries: [(id: UInt64, waiter: Waiter)] = []
    /// Ids of every list, so that one needs no lock: counts up from 1.
    private static let nextID = Atomic<UInt64>(0)

    var isEmpty: Bool { entries.isEmpty }

    /// An id for a waiter about to be added; taken before suspending so that a cancellation
    /// handler can name the waiter without sharing a box with it. Needs no lock.
    static func reserveID() -> UInt64 {
        nextID.add(1, ordering: .relaxed).newValue
    }

    mutating func add(_ waiter: Waiter, id: UInt64) {
        entries.append((id, waiter))
    }

    mutating func add(_ waiter: Waiter) -> UInt64 {
        let id = Self.reserveID()
        add(waiter, id: id)
        return id
    }

    /// Removes and returns the waiter with `id`, if it is still waiting.
    mutating func remove(_ id: UInt64) -> Waiter? {
        if entries.isEmpty { return nil }
        if entries[entries.count - 1].id == id { return entries.removeLast().waiter }
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
        return entries.remove(at: index).waiter
    }

    /// Removes the first waiter if it is a reader that libuv may fill, and returns it: from then
    /// on neither cancellation nor a timeout finds it, so its memory stays lent until it is resumed.
    mutating func claimFirstFilling() -> (HandOff<Int?, any Error>, UnsafeMutableRawBufferPointer)? {
        guard case .filling(let continuation, let buffer)? = entries.first?.waiter else { return nil }
        if entries.count == 1 {
            entries.removeLast()  // the usual case: no shifting, no destroy through the tuple's metadata
        } else {
            entries.removeFirst()
        }
        return (continuation, buffer)
    }

    /// Removes and returns every waiter, to be woken outside the lock. The usual single waiter
    /// travels without an array allocation.
    mutating func takeAll() -> WaiterBatch {
        switch entries.count {
        case 0: return .none
        case 1: return .one(entries.removeLast().waiter)  // moved out: no copy, no destroy
        default:
            defer { entries.removeAll(keepingCapacity: true) }
            return .many(entries.map(\.waiter))
        }
    }
}

/// Waiters taken out of a list, woken after the lock is released. An enum rather than an
/// optional first waiter and an array: its destruction, on every read, is then a plain switch.
enum WaiterBatch {
    case none
    case one(Waiter)
    case many([Waiter])

    init() { self = .none }

    func wake(_ error: (any Error)? = nil) {
        switch self {
        case .none: break
        case .one(let waiter): waiter.wake(error)
        case .many(let waiters): for waiter in waiters { waiter.wake(error) }
        }
    }
}
