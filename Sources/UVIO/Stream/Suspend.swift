// The hot-path async functions of the core are `nonisolated(nonsending)` (SE-0461): they run on
// their caller's executor. A plain nonisolated async function hops to the generic executor on
// entry, and with a task executor preference the runtime looks the preference up under a lock on
// every such hop: measured as a fifth of an async echo server's CPU.

/// One waiter list inside a lock-guarded state, named by a type: `suspendAsWaiter` reaches it
/// through a static function that inlines to a field access. A key path did the same through
/// the runtime's key-path projection on every wait (about 60 instructions per message).
protocol WaiterListSelector<State> {
    associatedtype State
    static func withList<R>(in state: inout State, _ body: (inout WaiterList) -> R) -> R
}

/// Suspends the current task as a waiter on the list `List` names inside `state`, until it is
/// woken, cancelled or times out; returns at once when `isReady` already holds.
///
/// Whoever removes the waiter from the list (under the lock) wakes it, so it is resumed exactly
/// once. Nothing is allocated per wait unless a deadline is given.
///
/// - Throws: `CancellationError` when the task is cancelled; `UVError.timedOut` once
///   `deadline` (in `uv_hrtime` nanoseconds) passes; whatever error the waker passes.
@inline(__always)
nonisolated(nonsending) func suspendAsWaiter<State, List: WaiterListSelector<State>>(
    on state: LockedValue<State>,
    _ list: List.Type,
    loop: EventLoop,
    deadline: UInt64? = nil,
    until isReady: (State) -> Bool
) async throws {
    try await suspendAsWaiter(on: state, list, loop: loop, deadline: deadline, as: Waiter.continuation,
                              ready: (), until: isReady)
}

/// `suspendAsWaiter` for a waiter that is resumed with a value: `waiter` makes the list entry
/// from the continuation, and `ready` is returned when `isReady` already holds.
@inline(__always)
nonisolated(nonsending) func suspendAsWaiter<State, List: WaiterListSelector<State>, Value: Sendable>(
    on state: LockedValue<State>,
    _ list: List.Type,
    loop: EventLoop,
    deadline: UInt64? = nil,
    as waiter: (HandOff<Value, any Error>) -> Waiter,
    ready: Value,
    until isReady: (State) -> Bool
) async throws -> Value {
    let id = WaiterList.reserveID()
    var timeout: Scheduled?
    defer { timeout?.cancel() }
    return try await withCancellationHandler {
        try await withThrowingHandOff { (continuation: HandOff<Value, any Error>) in
            // A cancellation handler that ran before the registration found nothing to remove, so
            // the flag is checked again under the same lock as the registration.
            let registered = state.withLock { value -> Bool? in
                if isReady(value) { return false }
                if currentTaskIsCancelled { return nil }
                List.withList(in: &value) { $0.add(waiter(continuation), id: id) }
                return true
            }
            switch registered {
            case false?: return continuation.resume(returning: ready)
            case nil: return continuation.resume(throwing: CancellationError())
            case true?: break
            }
            guard let deadline else { return }
            let entry = TimerEntry(.closure { state.withLock { List.withList(in: &$0) { $0.remove(id) } }?.wake(UVError.timedOut) })
            do {
                try loop.add(entry, deadline: deadline)
                timeout = Scheduled(entry: entry)
            } catch {
                state.withLock { List.withList(in: &$0) { $0.remove(id) } }?.wake(error)
            }
        }
    } onCancel: {
        state.withLock { List.withList(in: &$0) { $0.remove(id) } }?.wake(CancellationError())
    }
}
