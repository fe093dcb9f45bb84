internal import CLibUV
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A plain POSIX thread that runs one closure; the event loop's own thread.
struct LoopThread {
    private final class Box {
        let name: String
        let body: () -> Void
        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    let handle: pthread_t

    /// Starts a thread named `name` (truncated to the 15 bytes Linux allows) running `body`.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> LoopThread {
        let box = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            CLibUV_set_thread_name(box.name)
            box.body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed with \(result)")
        return LoopThread(handle: handle)
    }

    /// Starts a detached thread: nobody joins it, and its resources return to the system when
    /// `body` ends. Loops use this; they signal their own end.
    static func startDetached(name: String, _ body: @escaping @Sendable () -> Void) {
        pthread_detach(start(name: name, body).handle)
    }

    /// Waits for the thread to finish.
    func join() {
        _ = pthread_join(handle, nil)
    }

    /// The calling thread's identity, comparable with `handle`.
    static var current: pthread_t { pthread_self() }
}
