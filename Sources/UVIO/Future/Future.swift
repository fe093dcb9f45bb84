/// A value computed by repeated polling: the counterpart of Tokio's `Future`.
///
/// `poll(_:)` never blocks. It returns `.ready` with the output, throws an I/O error, or returns
/// `.pending` after arranging for `context.waker` to be woken when polling again can make
/// progress. Polling a future again after it returned `.ready` or threw is a programming error.
///
/// Futures are values: build them from the poll functions (`TCPStream.pollRead(_:into:)`,
/// `pollWrite(_:_:)`, `TCPListener.pollAccept(_:)`), the hand-written helpers (`ReadExact`,
/// `ReadToEnd`, `WriteAll`, `Copy`, `Incoming`) and the combinators (`map`, `flatMap`,
/// `mapError`, `then`, `join`, `select`), then run them with `FutureExecutor`.
///
/// ## Example
/// `ReadExact` is the seed's hand-written future; its documentation shows the whole state
/// machine. A smaller one, reading five bytes:
///
/// ```swift
/// struct ReadFive: Future {
///     let stream: TCPStream
///     var buffer = [UInt8](repeating: 0, count: 5)
///     var filled = 0
///
///     mutating func poll(_ context: inout Context) throws -> Poll<[UInt8]> {
///         while filled < buffer.count {
///             let result = try buffer.withUnsafeMutableBytes {
///                 try stream.pollRead(&context, into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
///             }
///             guard case .ready(let count) = result else { return .pending }
///             if count == 0 { throw UVError.unexpectedEndOfStream }
///             filled += count
///         }
///         return .ready(buffer)
///     }
/// }
/// let bytes = try await FutureExecutor.spawn(ReadFive(stream: stream), on: stream.loop).value
/// ```
///
/// ## Threading
/// A future is polled by one thread at a time; under `FutureExecutor`, always its loop's thread.
public protocol Future<Output> {
    /// What the future produces when it is ready.
    associatedtype Output

    /// Makes as much progress as possible without blocking.
    ///
    /// - Parameter context: carries the waker that whatever cannot make progress stores.
    /// - Returns: `.ready(output)`, or `.pending` once the waker is stored.
    /// - Throws: the I/O error that ended the future.
    mutating func poll(_ context: inout Context) throws -> Poll<Output>
}
