/// Copies every byte from `reader` to `writer` until the reader's stream ends.
///
/// Reads into one buffer of `bufferSize` bytes and writes each chunk whole before the next read.
/// It does not shut down `writer`: call `shutdownWrite()` afterwards to pass the end of stream on,
/// or use `copyBidirectional(_:_:bufferSize:)`, which does.
///
/// - Parameters:
///   - reader: Where the bytes come from.
///   - writer: Where they go.
///   - bufferSize: The size of the buffer between them, 1 or more.
/// - Returns: The number of bytes copied.
/// - Throws: `UVError.invalidArgument` if `bufferSize` is less than 1; `UVError.writeZero` if the
///   writer accepts 0 bytes; any error the reader or writer throws. The count so far is lost.
///
/// ## Cancellation
/// A cancelled call throws `CancellationError`. Bytes already written stay written; up to one
/// buffer of bytes read but not yet written is lost, and so is the count. It checks for
/// cancellation between chunks, so it stops even when neither side ever suspends.
///
/// ## Example
/// ```swift
/// let sent = try await copy(from: upload, to: stream)
/// try await stream.shutdownWrite()
/// ```
public func copy(
    from reader: some AsyncByteReader,
    to writer: some AsyncByteWriter,
    bufferSize: Int = 64 * 1024
) async throws -> Int {
    guard bufferSize >= 1 else {
        throw UVError(code: UVError.invalidArgument.code, context: "copy bufferSize \(bufferSize) is less than 1")
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 1)
    defer { buffer.deallocate() }
    var total = 0
    while true {
        try Task.checkCancellation()
        let n = try await reader.read(into: buffer)
        precondition(n >= 0 && n <= bufferSize, "read(into:) returned \(n), outside the buffer")
        if n == 0 { return total }
        try await writer.writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        total += n
    }
}
