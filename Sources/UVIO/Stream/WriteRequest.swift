internal import CLibUV

/// How a write tells its caller that it finished.
@usableFromInline
enum WriteCompletion {
    /// Nobody waits (poll-style writes account through the queued byte count).
    case none
    /// The async writer whose id is in the stream's `writeWaiters`.
    case waiter(UInt64)
    /// A closure, called on the loop thread.
    case callback((UVError?) -> Void)
}

/// One `uv_write_t` and a copy of the bytes the socket did not take at once. libuv holds the
/// bytes until the write callback, so they are owned here rather than borrowed from the caller.
final class WriteRequest {
    let request: UnsafeMutablePointer<uv_write_t>
    let bytes: UnsafeMutableRawBufferPointer
    let completion: WriteCompletion

    init(copying source: UnsafeRawBufferPointer, completion: WriteCompletion) {
        request = .allocate(capacity: 1)
        bytes = .allocate(byteCount: source.count, alignment: 1)
        bytes.copyMemory(from: source)
        self.completion = completion
    }

    deinit {
        request.deallocate()
        bytes.deallocate()
    }

    var buffer: uv_buf_t {
        uv_buf_t(base: bytes.baseAddress!.assumingMemoryBound(to: CChar.self), len: bytes.count)
    }
}
