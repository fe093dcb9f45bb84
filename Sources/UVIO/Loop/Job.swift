/// One unit of work for an event loop: a closure, or a Swift concurrency job from the executor.
enum Job {
    case closure(@Sendable () -> Void)
    case task(UnownedJob)
}
