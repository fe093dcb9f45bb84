/// A source of bytes read asynchronously: the counterpart of Tokio's `AsyncRead`.
///
/// A read never blocks a thread: when no byte is ready it suspends the task until one is, the
/// stream ends, or an error occurs. The helpers `readExact`, `readToEnd` and `copy(from:to:)`
/// extend every reader.
public protocol AsyncByteReader {
    /// Reads up to `buffer.count` bytes into `buffer` and returns how many it read.
    ///
    /// Returns as soon as at least one byte is available; 0 means the stream has ended (or
    /// `buffer` is empty).
    ///
    /// ## Cancellation
    /// A cancelled read throws `CancellationError` and consumes nothing.
    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int
}

/// A reader with a receive buffer that callers may look into before they consume it: the
/// counterpart of Tokio's `AsyncBufRead`. `readLine`, `readUntil` and `peek` extend it.
public protocol AsyncBufferedByteReader: AsyncByteReader {
    /// Waits until at least one byte is buffered or the stream has ended, then calls `body` with
    /// the buffered bytes (empty at end of stream) and removes the first `consumed` of them.
    ///
    /// `body` runs synchronously while the buffer is locked: keep it short and never block in it.
    /// `consumed` must not exceed the number of bytes given.
    ///
    /// ## Cancellation
    /// A cancelled wait throws `CancellationError` and consumes nothing.
    func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result
}

extension AsyncBufferedByteReader {
    public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        guard buffer.count > 0 else { return 0 }
        return try await consumeBuffered { copyAvailable($0, into: buffer) }
    }
}

/// The step of every `read(into:)` over buffered bytes: copies as many of `available` as fit
/// into `buffer`, and says that it consumed them.
func copyAvailable(_ available: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer)
    -> (consumed: Int, result: Int)
{
    let count = min(available.count, buffer.count)
    if count > 0 { buffer.baseAddress!.copyMemory(from: available.baseAddress!, byteCount: count) }
    return (count, count)
}
