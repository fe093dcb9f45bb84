/// A future that writes every byte of a buffer: the seed's `write_all`.
///
/// It polls the writer with the bytes not yet taken until all are; a write that takes zero bytes
/// is an error, since repeating it would never finish. It does not flush: the writer may still
/// be sending when the future is ready (see `Flush`).
///
/// ```swift
/// let (stream, _) = try await FutureExecutor.spawn(WriteAll(stream, Array("PING\r\n".utf8)), on: stream.loop).value
/// ```
/// - Throws (from `poll`): `UVError.writeZero`; the writer's error.
///
/// ## Cancellation
/// Dropping the future leaves the bytes taken so far with the writer; the rest are not written.
public struct WriteAll<Writer: PollByteWriter>: Future {
    private let writer: Writer
    private let buffer: [UInt8]
    private var position = 0

    /// Creates a future that writes all of `buffer` to `writer`.
    public init(_ writer: Writer, _ buffer: [UInt8]) {
        self.writer = writer
        self.buffer = buffer
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<(writer: Writer, buffer: [UInt8])> {
        while position < buffer.count {
            let result = try buffer.withUnsafeBytes {
                try writer.pollWrite(&context, UnsafeRawBufferPointer(rebasing: $0[position...]))
            }
            guard case .ready(let count) = result else { return .pending }
            if count == 0 {
                throw UVError(code: UVError.writeZero.code, context: "wrote \(position) of \(buffer.count) bytes",
                              bytesTransferred: position)
            }
            position += count
        }
        return .ready((writer, buffer))
    }
}
