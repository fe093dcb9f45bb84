// Taking a datagram into the caller's memory, from any thread: its payload is copied out of the
// socket's one payload buffer under the lock. A receive loop that uses these
// (`receive(into:)`, `pollReceive(_:into:)`) allocates nothing per datagram.
extension UDPCore {
    /// Takes the next datagram into `buffer`: as much of the payload as fits; the rest is dropped
    /// and the result says `isTruncated`.
    static func take(_ state: inout State, into buffer: UnsafeMutableRawBufferPointer) throws(UVError) -> DatagramInfo? {
        guard let next = try takeNext(&state) else { return nil }
        let count = min(next.count, buffer.count)
        if count > 0 {
            state.payloads.withUnreadBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        state.payloads.consume(next.count)
        return DatagramInfo(count: count, sender: next.sender, isTruncated: next.isTruncated || next.count > buffer.count)
    }

    /// The half of `UDPSocket.receive(into:)` that does not wait: a queued datagram, else nil.
    @usableFromInline
    func receiveNow(into buffer: UnsafeMutableRawBufferPointer) throws(UVError) -> DatagramInfo? {
        try state.withLock { state throws(UVError) in try Self.take(&state, into: buffer) }
    }

    /// The half of `UDPSocket.receive(into:)` that waits, for a caller that found nothing queued.
    /// A cancelled wait takes nothing: the datagram stays queued for the next receive.
    @usableFromInline
    func receiveWaiting(into buffer: UnsafeMutableRawBufferPointer) async throws -> DatagramInfo {
        while true {
            try await waitUntilReceivable()
            if let info = try receiveNow(into: buffer) { return info }
        }
    }

    /// Copies a datagram into `buffer`, or stores `waker` to be woken when one arrives, in one
    /// step under the lock.
    func pollReceive(_ waker: Waker, into buffer: UnsafeMutableRawBufferPointer) throws(UVError) -> DatagramInfo? {
        try state.withLock { state throws(UVError) -> DatagramInfo? in
            if let info = try Self.take(&state, into: buffer) { return info }
            state.pollReceiver = waker
            return nil
        }
    }
}
