#include "CTaskCancellation.h"

// The runtime's declarations (swift/Runtime/Concurrency.h): SWIFT_CC(swift) functions, which
// the standard library declares as `_taskAddCancellationHandler(handler:)` and
// `_taskRemoveCancellationHandler(record:)`. Swift code may not name them with `@_silgen_name`
// (the `swift_` prefix is reserved), so these forwarders carry them under UVIO's names.
extern __attribute__((swiftcall)) const void *swift_task_addCancellationHandler(void *handler, void *context);
extern __attribute__((swiftcall)) void swift_task_removeCancellationHandler(const void *record);
// `swift_task_getCurrent` and `swift_task_isCancelled`, behind `Task.isCancelled`, which also
// retains and releases the task.
extern __attribute__((swiftcall)) void *swift_task_getCurrent(void);
extern __attribute__((swiftcall)) bool swift_task_isCancelled(void *task);

__attribute__((swiftcall)) const void *CTaskCancellation_add(void *handler, void *context) {
    return swift_task_addCancellationHandler(handler, context);
}

__attribute__((swiftcall)) void CTaskCancellation_remove(const void *record) {
    swift_task_removeCancellationHandler(record);
}

bool CTaskCancellation_isCurrentTaskCancelled(void) {
    void *task = swift_task_getCurrent();
    return task != NULL && swift_task_isCancelled(task);
}
