/// A future that reads exactly `buffer.count` bytes: the seed's hand-written `ReadExact`.
///
/// It is a small state machine over `pollRead(_:into:)`: while the buffer is not full, poll the
/// reader; a read of zero bytes before then means the stream ended early, which is an error.
/// When the buffer is full the future hands back the reader and the buffer.
///
/// ## Example
/// The seed's `read_exact`, written by hand; this is the whole implementation below:
///
/// ```swift
/// public struct ReadExact<Reader: PollByteReader>: Future {
///     private enum State {
///         case reading(reader: Reader, buffer: [UInt8], position: Int)
///         case empty
///     }
///     private var state: State
///
///     public mutating func poll(_ context: inout Context) throws -> Poll<(reader: Reader, buffer: [UInt8])> {
///         guard case .reading(let reader, var buffer, var position) = state else {
///             preconditionFailure("polled a ReadExact after it finished")
///         }
///         state = .empty  // mem::replace: the buffer's only copy is now the local one
///         while position < buffer.count {
///             let result = try buffer.withUnsafeMutableBytes {
///                 try reader.pollRead(&context, into: UnsafeMutableRawBufferPointer(rebasing: $0[position...]))
///             }
///             guard case .ready(let count) = result else {  // try_ready!
///                 state = .reading(reader: reader, buffer: buffer, position: position)
///                 return .pending
///             }
///             if count == 0 { throw UVError(code: UVError.unexpectedEndOfStream.code, bytesTransferred: position) }
///             position += count
///         }
///         return .ready((reader, buffer))
///     }
/// }
/// ```
///
/// Used like the seed's echo of five bytes:
///
/// ```swift
/// let connection = ReadExact(socket, [UInt8](repeating: 0, count: 5))
///     .flatMap { socket, buffer in WriteAll(socket, buffer) }
/// FutureExecutor.spawn(connection, on: socket.loop)
/// ```
///
/// - Throws (from `poll`): `UVError.unexpectedEndOfStream`, whose `bytesTransferred` says how
///   many bytes arrived before the end; the reader's error.
///
/// ## Cancellation
/// Dropping the future drops the bytes it has read into its buffer; the stream has consumed them.
public struct ReadExact<Reader: PollByteReader>: Future {
    private enum State {
        case reading(reader: Reader, buffer: [UInt8], position: Int)
        case empty
    }

    private var state: State

    /// Creates a future that fills `buffer` from `reader`.
    /// - Parameters:
    ///   - reader: the source, such as a `TCPStream`.
    ///   - buffer: its size is the number of bytes to read; its contents are overwritten.
    public init(_ reader: Reader, _ buffer: [UInt8]) {
        state = .reading(reader: reader, buffer: buffer, position: 0)
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<(reader: Reader, buffer: [UInt8])> {
        guard case .reading(let reader, var buffer, var position) = state else {
            preconditionFailure("polled a ReadExact after it finished")
        }
        state = .empty  // mem::replace: the buffer's only copy is now the local one
        while position < buffer.count {
            let result = try buffer.withUnsafeMutableBytes {
                try reader.pollRead(&context, into: UnsafeMutableRawBufferPointer(rebasing: $0[position...]))
            }
            guard case .ready(let count) = result else {
                state = .reading(reader: reader, buffer: buffer, position: position)
                return .pending
            }
            if count == 0 {
                throw UVError(code: UVError.unexpectedEndOfStream.code,
                              context: "read \(position) of \(buffer.count) bytes", bytesTransferred: position)
            }
            position += count
        }
        return .ready((reader, buffer))
    }
}
