// Taking a datagram into the caller's memory, from any thread: the copy happens under the lock,
// and the datagram's payload array goes back to `State.spareBytes` for the next datagram that
// arrives. A receive loop that uses these (`receive(into:)`, `pollReceive(_:into:)`) allocates
// nothing per datagram once the spares exist.
extension UDPCore {
    /// Payload arrays kept for reuse, per socket.
    static let spareLimit = 8
    /// Arrays with more capacity than this are freed rather than kept, so that a burst of large
    /// datagrams does not pin memory.
    static let spareCapacityLimit = 16 * 1024

    /// Takes the oldest queued datagram into `buffer`; nil when none waits.
    /// - Throws: as `take(_:)`.
    static func take(_ state: inout State, into buffer: UnsafeMutableRawBufferPointer) throws(UVError) -> DatagramInfo? {
        guard var datagram = try take(&state) else { return nil }
        let info = UDPSocket.copy(datagram, into: buffer)
        if datagram.bytes.capacity <= spareCapacityLimit, state.spareBytes.count < spareLimit {
            datagram.bytes.removeAll(keepingCapacity: true)
            state.spareBytes.append(datagram.bytes)
        }
        return info
    }

    /// Waits (suspending the task) for a datagram and copies it into `buffer`.
    ///
    /// A cancelled wait takes nothing: the datagram stays queued for the next receive.
    func receive(into buffer: UnsafeMutableRawBufferPointer) async throws -> DatagramInfo {
        while true {
            if let info = try state.withLock({ state throws(UVError) in try Self.take(&state, into: buffer) }) {
                return info
            }
            try await waitUntilReceivable()
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
