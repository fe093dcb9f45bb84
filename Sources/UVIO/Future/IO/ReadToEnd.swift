/// A future that reads until the end of the stream: the seed's `read_to_end`.
///
/// It polls the reader into the spare room of its buffer, growing it as needed, until a read
/// returns zero bytes.
///
/// ```swift
/// let (stream, bytes) = try await FutureExecutor.spawn(ReadToEnd(stream), on: stream.loop).value
/// ```
/// - Throws (from `poll`): `UVError.limitExceeded` past `limit` bytes; the reader's error.
///
/// ## Cancellation
/// Dropping the future drops the bytes it has read.
public struct ReadToEnd<Reader: PollByteReader>: Future {
    private enum State {
        case reading(reader: Reader, buffer: [UInt8], filled: Int)
        case empty
    }

    private var state: State
    private let limit: Int

    /// Creates a future that reads `reader` to its end.
    /// - Parameters:
    ///   - reader: the source.
    ///   - bytes: bytes to start with (the output is these followed by what is read).
    ///   - limit: the most bytes to hold; more is an error rather than unbounded memory.
    public init(_ reader: Reader, appendingTo bytes: [UInt8] = [], limit: Int = .max) {
        state = .reading(reader: reader, buffer: bytes, filled: bytes.count)
        self.limit = limit
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<(reader: Reader, bytes: [UInt8])> {
        guard case .reading(let reader, var buffer, var filled) = state else {
            preconditionFailure("polled a ReadToEnd after it finished")
        }
        state = .empty
        while true {
            if filled == buffer.count {
                guard filled < limit else {
                    throw UVError.limitExceeded.with(context: "readToEnd read more than \(limit) bytes")
                }
                let room = min(max(buffer.count, 4096), limit - filled)
                buffer += [UInt8](repeating: 0, count: room)  // a memset and a memcpy, not a loop
            }
            let result = try buffer.withUnsafeMutableBytes {
                try reader.pollRead(&context, into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
            }
            guard case .ready(let count) = result else {
                state = .reading(reader: reader, buffer: buffer, filled: filled)
                return .pending
            }
            if count == 0 {
                buffer.removeLast(buffer.count - filled)
                return .ready((reader, buffer))
            }
            filled += count
        }
    }
}
