/// The bytes a stream has received and nobody has read yet.
///
/// A growable array with a read index: appending copies in at the end, consuming moves the index,
/// and the storage is reused once everything has been read, so a steady exchange of messages
/// allocates nothing. Storage above `retainedCapacity` is released when the buffer empties, so
/// an idle connection holds little memory.
struct ReceiveBuffer {
    private var storage: [UInt8] = []
    private var start = 0

    /// Capacity kept when the buffer empties; larger storage is freed.
    static let retainedCapacity = 16 * 1024
    /// A chunk at least this large, appended to an empty buffer, reserves `burstCapacity`.
    static let burstChunk = 32 * 1024
    /// Room for what one pass of libuv's read loop can buffer: up to the default high watermark
    /// (256 KiB) and one more read of the loop's 256 KiB buffer.
    static let burstCapacity = 512 * 1024

    var count: Int { storage.count - start }
    /// The bytes the storage can hold without growing (for the tests of its sizing).
    var capacity: Int { storage.capacity }
    var isEmpty: Bool { start == storage.count }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if storage.isEmpty, bytes.count >= Self.burstChunk, storage.capacity < Self.burstCapacity {
            // A large read into an empty buffer: more usually follows in the same loop pass, so
            // take room for the burst at once instead of doubling (a copy at each step).
            storage.reserveCapacity(Self.burstCapacity)
        }
        if start > 0, start >= storage.count / 2 {
            // More than half is consumed: move the rest to the front before growing.
            storage.removeSubrange(0..<start)
            start = 0
        }
        storage.append(contentsOf: bytes)
    }

    /// Calls `body` with the unread bytes.
    func withUnreadBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
    }

    /// Lets `body` look at the unread bytes and consumes as many as it says: the step behind every
    /// `consumeBuffered`.
    /// - Throws: `limitExceeded` when `body` claims more bytes than it was given (or fewer than
    ///   none); what `body` throws.
    mutating func consume<R>(with body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: R)) throws -> R {
        let (consumed, result) = try withUnreadBytes(body)
        guard consumed >= 0, consumed <= count else {
            throw UVError.limitExceeded.with(context: "consumed \(consumed) of \(count) bytes")
        }
        consume(consumed)
        return result
    }

    mutating func consume(_ count: Int) {
        precondition(count >= 0 && count <= self.count, "consumed more bytes than buffered")
        start += count
        if start == storage.count { reset() }
    }

    /// Drops every unread byte.
    mutating func reset() {
        storage.removeAll(keepingCapacity: storage.capacity <= Self.retainedCapacity)
        start = 0
    }
}
