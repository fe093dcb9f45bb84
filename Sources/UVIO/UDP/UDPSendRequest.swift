internal import CLibUV

/// How a datagram send tells its caller that it finished.
enum UDPSendCompletion {
    /// A poll-style send: nobody waits; an error is kept for the next `pollSend`.
    case deferred
    /// The async sender whose id is in the core's `sendWaiters`.
    case waiter(UInt64)
    /// A closure, called on the loop thread.
    case callback(@Sendable (UVError?) -> Void)
}

/// One `uv_udp_send_t` with its own copy of the datagram: libuv holds the bytes until the send
/// callback, so they are owned here rather than borrowed from the caller.
final class UDPSendRequest {
    let request: UnsafeMutablePointer<uv_udp_send_t>
    let bytes: UnsafeMutableRawBufferPointer
    /// What the send was charged against the core's send queue limit.
    let cost: Int
    let completion: UDPSendCompletion

    init(copying source: UnsafeRawBufferPointer, cost: Int, completion: UDPSendCompletion) {
        request = .allocate(capacity: 1)
        bytes = .allocate(byteCount: max(source.count, 1), alignment: 1)
        if source.count > 0 { bytes.copyMemory(from: source) }
        self.cost = cost
        self.completion = completion
    }

    deinit {
        request.deallocate()
        bytes.deallocate()
    }

    func buffer(count: Int) -> uv_buf_t {
        uv_buf_init(bytes.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(count))
    }
}
