// The buffered-read helpers (`readLine`, `readUntil`, `read(maxBytes:)`, `readExact`, `peek`,
// `readToEnd`) for the streams' own types. The helpers are generic over `AsyncBufferedByteReader`
// and not inlinable: called on a `TCPStream` from another module they ran unspecialised, with the
// result type of every `consumeBuffered` looked up at run time. Here they run on `CoreReader`, a
// concrete type of this module, so the compiler specialises them; `CoreBackedStream`'s inlinable
// shims call these.

/// The stream core as a buffered reader, for the helpers above. Each wait gets its own deadline
/// from `timeout`, as a wait through the stream does (`TCPStream.readTimeout`).
struct CoreReader: AsyncBufferedByteReader {
    let core: StreamCore
    let timeout: Duration?

    private var deadline: UInt64? { timeout.map { EventLoop.deadline(after: $0) } }

    func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        try await core.consumeBuffered(deadline: deadline, body)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if let copied = try core.readNow(into: buffer) { return copied }
        return try await core.readWaiting(into: buffer, deadline: deadline)
    }
}

extension StreamCore {
    @usableFromInline
    func readLineBytes(maxLength: Int, timeout: Duration?) async throws -> [UInt8]? {
        try await CoreReader(core: self, timeout: timeout).readLineBytes(maxLength: maxLength)
    }

    @usableFromInline
    func readUntil(_ delimiter: UInt8, maxLength: Int, timeout: Duration?) async throws -> [UInt8] {
        try await CoreReader(core: self, timeout: timeout).readUntil(delimiter, maxLength: maxLength)
    }

    @usableFromInline
    func read(maxBytes: Int, timeout: Duration?) async throws -> [UInt8] {
        try await CoreReader(core: self, timeout: timeout).read(maxBytes: maxBytes)
    }

    @usableFromInline
    func readExact(_ count: Int, timeout: Duration?) async throws -> [UInt8] {
        try await CoreReader(core: self, timeout: timeout).readExact(count)
    }

    @usableFromInline
    func readExact(into buffer: UnsafeMutableRawBufferPointer, timeout: Duration?) async throws {
        try await CoreReader(core: self, timeout: timeout).readExact(into: buffer)
    }

    @usableFromInline
    func peek(maxBytes: Int, timeout: Duration?) async throws -> [UInt8] {
        try await CoreReader(core: self, timeout: timeout).peek(maxBytes: maxBytes)
    }

    @usableFromInline
    func readToEnd(limit: Int?, timeout: Duration?) async throws -> [UInt8] {
        try await CoreReader(core: self, timeout: timeout).readToEnd(limit: limit)
    }
}
