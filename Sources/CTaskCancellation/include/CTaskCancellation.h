#ifndef C_TASK_CANCELLATION_H
#define C_TASK_CANCELLATION_H

#include <stdbool.h>
#include <stddef.h>

// Entry points of the Swift concurrency runtime, under names of UVIO's own; used only by
// `Sources/UVIO/Loop/CancellationHandler.swift`.
//
// `add` and `remove`: the standard library reaches them through `withTaskCancellationHandler`,
// whose operation closure is `@concurrent`; UVIO calls them directly so that a wait stays on its
// caller's executor. Swift declares them with `@_silgen_name`, and they use the Swift calling
// convention: a Swift closure `() -> Void` is passed as its function and its context, the two
// pointers the runtime takes, and the runtime calls the function back with the context in the
// Swift context register, as it does for the standard library.

/// Adds `handler` (called with `context`) to the current task's cancellation records; returns
/// the record. If the task is already cancelled, the runtime calls the handler before returning.
__attribute__((swiftcall)) const void *CTaskCancellation_add(void *handler, void *context);

/// Removes the record `add` returned, on the same task.
__attribute__((swiftcall)) void CTaskCancellation_remove(const void *record);

/// Whether the current task is cancelled; false outside a task. The same answer as
/// `Task.isCancelled`, without its retain and release of the task.
bool CTaskCancellation_isCurrentTaskCancelled(void);

#endif
