/// `withTaskCancellationHandler` that stays on the caller's executor: the standard library's
/// older entry point, which inherits the executor.
///
/// The current `withTaskCancellationHandler(operation:onCancel:isolation:)` takes the caller's
/// isolation and switches to it on entry and again on return. For a task that prefers a loop as
/// its executor, each switch looks the preference up under the task's status-record lock, even
/// when nothing moves: two such look-ups per wait. The callers here are `nonisolated(nonsending)`,
/// so inheriting the executor is what they mean. The async echo on the loop: 6,425 → 5,848
/// user-space instructions per message (callgrind).
///
/// `operation` is `@concurrent` as the standard library's parameter is: a `nonisolated(nonsending)`
/// closure would be converted through a thunk with an async frame of its own.
@inline(__always)
nonisolated(nonsending) func withCancellationHandler<T>(
    operation: @concurrent () async throws -> T,
    onCancel handler: @Sendable () -> Void
) async rethrows -> T {
    try await _unsafeInheritExecutor_withTaskCancellationHandler(operation: operation, onCancel: handler)
}
