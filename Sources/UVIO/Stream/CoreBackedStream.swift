/// A public stream type whose bytes live in a `StreamCore` (TCP, Unix-socket and stdio pipes).
///
/// It gives every such type its reader and writer conformance once: the requirements below are
/// witnessed by this extension, so `TCPStream` and `PipeStream` only supply their core and their
/// deadlines.
@usableFromInline
protocol CoreBackedStream: AsyncBufferedByteReader, AsyncByteWriter, Sendable {
    var core: StreamCore { get }
    /// How long each wait of a read may take; nil waits forever.
    var readWaitLimit: Duration? { get }
    /// When a write started now must give up; nil waits forever.
    var writeDeadline: UInt64? { get }
}

extension CoreBackedStream {
    @usableFromInline var readWaitLimit: Duration? { nil }
    /// When a read started now must give up, in `uv_hrtime` nanoseconds; nil waits forever.
    /// Inlinable, so that it is specialised for the stream's type: called through the protocol it
    /// cost the async echo about 115 instructions per message.
    @inlinable var readDeadline: UInt64? { readWaitLimit.map { EventLoop.deadline(after: $0) } }
    @usableFromInline var writeDeadline: UInt64? { nil }

    /// Reads up to `buffer.count` bytes into `buffer`; 0 means end of stream. See
    /// `AsyncByteReader.read(into:)`; this is the same without the protocol's generic path.
    @inlinable
    public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        // Inlined, the part that need not wait runs in the caller's async frame.
        if let copied = try core.readNow(into: buffer) { return copied }
        return try await core.readWaiting(into: buffer, deadline: readDeadline)
    }

    // The buffered-read helpers of `AsyncBufferedByteReader`, the same for the stream's own type
    // but specialised (`StreamCore+BufferedReads.swift`): the generic versions, called from
    // another module, look up their types at run time.

    /// Reads one line; see `AsyncBufferedByteReader.readLine(maxLength:)`.
    ///
    /// ```swift
    /// while let line = try await stream.readLine() { print(line) }
    /// ```
    @inlinable
    public func readLine(maxLength: Int = 64 * 1024) async throws -> String? {
        try await core.readLineBytes(maxLength: maxLength, timeout: readWaitLimit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads one line as bytes; see `AsyncBufferedByteReader.readLineBytes(maxLength:)`.
    @inlinable
    public func readLineBytes(maxLength: Int = 64 * 1024) async throws -> [UInt8]? {
        try await core.readLineBytes(maxLength: maxLength, timeout: readWaitLimit)
    }

    /// Reads up to and including `delimiter`; see `AsyncBufferedByteReader.readUntil(_:maxLength:)`.
    @inlinable
    public func readUntil(_ delimiter: UInt8, maxLength: Int = 64 * 1024) async throws -> [UInt8] {
        try await core.readUntil(delimiter, maxLength: maxLength, timeout: readWaitLimit)
    }

    /// Reads what is buffered, up to `maxBytes`; see `AsyncBufferedByteReader.read(maxBytes:)`.
    @inlinable
    public func read(maxBytes: Int) async throws -> [UInt8] {
        try await core.read(maxBytes: maxBytes, timeout: readWaitLimit)
    }

    /// Reads exactly `count` bytes; see `AsyncByteReader.readExact(_:)`.
    @inlinable
    public func readExact(_ count: Int) async throws -> [UInt8] {
        try await core.readExact(count, timeout: readWaitLimit)
    }

    /// Fills `buffer` completely; see `AsyncByteReader.readExact(into:)`.
    @inlinable
    public func readExact(into buffer: UnsafeMutableRawBufferPointer) async throws {
        try await core.readExact(into: buffer, timeout: readWaitLimit)
    }

    /// Returns up to `maxBytes` without consuming them; see `AsyncBufferedByteReader.peek(maxBytes:)`.
    @inlinable
    public func peek(maxBytes: Int) async throws -> [UInt8] {
        try await core.peek(maxBytes: maxBytes, timeout: readWaitLimit)
    }

    /// Reads until the end of stream; see `AsyncByteReader.readToEnd(limit:)`.
    @inlinable
    public func readToEnd(limit: Int? = nil) async throws -> [UInt8] {
        try await core.readToEnd(limit: limit, timeout: readWaitLimit)
    }

    /// Writes every byte of `bytes` and returns once libuv has written them. See
    /// `AsyncByteWriter.writeAll(_:)`; this is one call to the core instead of a loop of writes.
    @inlinable
    public func writeAll(_ bytes: UnsafeRawBufferPointer) async throws {
        // Inlined, what the socket takes at once is written in the caller's async frame.
        let written = try core.writeNow(bytes)
        if written == bytes.count, written > 0 { return }
        try await core.write(UnsafeRawBufferPointer(rebasing: bytes[written...]), deadline: writeDeadline)
    }

    /// Writes all of `bytes` once libuv has written them; see `write(_:)` on raw bytes.
    ///
    /// ```swift
    /// try await stream.write([0x48, 0x69])
    /// try await stream.write("PING\r\n".utf8)
    /// ```
    ///
    /// Inlined, bytes in contiguous memory (an array, a slice, a native string's UTF-8) that the
    /// socket takes at once are written from where they are in the caller's frame; the generic
    /// path, run unspecialised from another module, cost about 1,900 instructions per write.
    @inlinable
    public func write(_ bytes: some Collection<UInt8>) async throws {
        let written = try bytes.withContiguousStorageIfAvailable { try core.writeNow(UnsafeRawBufferPointer($0)) } ?? 0
        if written == bytes.count, written > 0 { return }
        try await core.write(bytes.dropFirst(written), deadline: writeDeadline)
    }

    /// Writes every byte of `bytes`; as `write(_:)`, without the scratch buffer that
    /// `AsyncByteWriter`'s general version copies through.
    @inlinable
    public func writeAll(_ bytes: [UInt8]) async throws {
        try await write(bytes)
    }

    /// Writes every byte of `bytes`; as `writeAll(_:)` on an array.
    @inlinable
    public func writeAll(_ bytes: ArraySlice<UInt8>) async throws {
        try await write(bytes)
    }

    /// Writes `string` encoded as UTF-8; as `writeAll(_:)` on an array. No terminator is added.
    @inlinable
    public func writeAll(_ string: String) async throws {
        try await write(string.utf8)
    }

    /// Waits for buffered bytes (or the end of the stream), lets `body` look at them and removes
    /// the first `consumed`. See `AsyncBufferedByteReader`.
    ///
    /// ## Cancellation
    /// A cancelled or timed-out wait consumes nothing: the next read sees the same bytes.
    /// - Throws: `CancellationError`, `UVError.timedOut` (see `TCPStream.readTimeout`), the
    ///   connection's error (such as `UVError.connectionReset`) once buffered bytes are read,
    ///   `UVError.closed`.
    public func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        try await core.consumeBuffered(deadline: readDeadline, body)
    }

    /// Writes all of `bytes` and returns their count once libuv has written them.
    ///
    /// The stream tries `uv_try_write` first and queues with `uv_write` only what the socket did
    /// not take at once. The corresponding libuv calls are `uv_try_write` and `uv_write`.
    ///
    /// ## Cancellation
    /// A cancelled (or timed-out) write returns at once with `CancellationError`
    /// (`UVError.timedOut`); its bytes stay queued and are still sent, in order.
    /// - Throws: `UVError.brokenPipe` after `shutdown(.write)`; the connection's error;
    ///   `UVError.closed`.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) async throws -> Int {
        try await core.write(bytes, deadline: writeDeadline)
        return bytes.count
    }

    /// Shuts down the write side once the bytes written so far are sent: the peer reads end of
    /// stream. The corresponding libuv call is `uv_shutdown`.
    public func shutdownWrite() async throws {
        try await core.shutdownWrite()
    }
}
