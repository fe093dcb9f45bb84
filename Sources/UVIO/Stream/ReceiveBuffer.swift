/// The bytes a stream has received and nobody has read yet.
///
/// Storage with a read and a write index: appending copies in at the end, consuming moves the
/// read index, and the storage is reused once everything has been read, so a steady exchange of
/// messages allocates nothing. Storage above `retainedCapacity` is released when the buffer
/// empties, so an idle connection holds little memory.
struct ReceiveBuffer {
    /// The memory: all of it counts as elements, of which `start..<end` are unread. Appending
    /// and consuming move the indices; the array itself changes only to grow or shrink.
    private var storage: [UInt8] = []
    private var start = 0
    private var end = 0

    /// Capacity kept when the buffer empties; larger storage is freed.
    static let retainedCapacity = 16 * 1024
    /// A chunk at least this large, appended to an empty buffer, reserves `burstCapacity`.
    static let burstChunk = 32 * 1024
    /// Room for what one pass of libuv's read loop can buffer: up to the default high watermark
    /// (256 KiB) and one more read of the loop's 256 KiB buffer.
    static let burstCapacity = 512 * 1024

    var count: Int { end - start }
    /// The bytes the storage can hold without growing (for the tests of its sizing).
    var capacity: Int { storage.count }
    var isEmpty: Bool { start == end }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if storage.count - end < bytes.count { makeRoom(for: bytes.count) }
        storage.withUnsafeMutableBytes { ($0.baseAddress! + end).copyMemory(from: source, byteCount: bytes.count) }
        end += bytes.count
    }

    /// Makes room for `incoming` more bytes after the unread ones: moves them to the front when
    /// that frees at least as much as it copies, else moves them into larger storage.
    private mutating func makeRoom(for incoming: Int) {
        let unread = count
        if unread + incoming <= storage.count, start >= unread {
            storage.withUnsafeMutableBytes { memory in
                memory.baseAddress!.copyMemory(from: memory.baseAddress! + start, byteCount: unread)
            }
        } else {
            var capacity = max(unread + incoming, storage.count * 2)
            if unread == 0, incoming >= Self.burstChunk {
                // A large read into an empty buffer: more usually follows in the same loop pass,
                // so take room for the burst at once instead of doubling (a copy at each step).
                capacity = max(capacity, Self.burstCapacity)
            }
            storage = [UInt8](unsafeUninitializedCapacity: capacity) { memory, initialized in
                // UInt8 needs no initialisation: every byte is written before it is read.
                storage.withUnsafeBytes { old in
                    UnsafeMutableRawBufferPointer(memory).baseAddress!.copyMemory(
                        from: old.baseAddress! + start, byteCount: unread)
                }
                initialized = capacity
            }
        }
        start = 0
        end = unread
    }

    /// Calls `body` with the unread bytes.
    func withUnreadBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
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
        if start == end { reset() }
    }

    /// Drops every unread byte.
    mutating func reset() {
        if storage.count > Self.retainedCapacity { storage = [] }
        start = 0
        end = 0
    }
}
