/// A future that copies everything a reader gives to a writer: the seed's `copy`.
///
/// It reads into a buffer of its own, writes that out, and repeats until the reader ends; then
/// it flushes the writer and is ready with the number of bytes copied. It never holds more than
/// one buffer: when the writer is full it waits rather than reading on.
///
/// ```swift
/// // An echo server's connection: copy what arrives back to the sender.
/// FutureExecutor.spawn(Copy(from: socket, to: socket), on: socket.loop)
/// ```
/// - Throws (from `poll`): `UVError.writeZero`; the reader's or writer's error.
///
/// ## Cancellation
/// Dropping the future drops the bytes read and not yet written (at most one buffer).
public struct Copy<Reader: PollByteReader, Writer: PollByteWriter>: Future {
    private let reader: Reader
    private let writer: Writer
    private var buffer: [UInt8]
    /// Bytes `start..<end` of `buffer` are read and not yet written.
    private var start = 0
    private var end = 0
    private var readerEnded = false
    private var copied = 0

    /// Creates a future that copies `reader` to `writer`.
    /// - Parameters:
    ///   - reader: the source.
    ///   - writer: the sink; it is flushed, not shut down, at the end.
    ///   - bufferSize: the size of the copy buffer (at least 1).
    public init(from reader: Reader, to writer: Writer, bufferSize: Int = 64 * 1024) {
        self.reader = reader
        self.writer = writer
        buffer = [UInt8](repeating: 0, count: max(bufferSize, 1))
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<(count: Int, reader: Reader, writer: Writer)> {
        let (reader, writer) = (self.reader, self.writer)  // not `self.`, which `buffer`'s access holds
        while true {
            if start == end, !readerEnded {
                let result = try buffer.withUnsafeMutableBytes { try reader.pollRead(&context, into: $0) }
                guard case .ready(let count) = result else { return .pending }
                if count == 0 { readerEnded = true } else { (start, end) = (0, count) }
            }
            while start < end {
                let result = try buffer.withUnsafeBytes {
                    try writer.pollWrite(&context, UnsafeRawBufferPointer(rebasing: $0[start..<end]))
                }
                guard case .ready(let count) = result else { return .pending }
                if count == 0 {
                    throw UVError(code: UVError.writeZero.code, context: "copy", bytesTransferred: copied)
                }
                start += count
                copied += count
            }
            if readerEnded {
                guard case .ready = try writer.pollFlush(&context) else { return .pending }
                return .ready((copied, reader, writer))
            }
        }
    }
}
