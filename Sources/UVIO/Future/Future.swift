/// A value computed by repeated polling: the counterpart of Tokio's `Future`.
///
/// `poll(_:)` never blocks. It returns `.ready` with the output, throws an I/O error, or returns
/// `.pending` after arranging for `context.waker` to be woken when polling again can make
/// progress. Polling a future again after it returned `.ready` or threw is a programming error.
///
/// ```swift
/// struct ReadFive: Future {
///     let stream: TCPStream
///     var buffer = [UInt8](repeating: 0, count: 5)
///     var filled = 0
///     mutating func poll(_ context: inout Context) throws -> Poll<[UInt8]> { ... }
/// }
/// ```
public protocol Future<Output> {
    associatedtype Output

    /// Makes as much progress as possible without blocking.
    mutating func poll(_ context: inout Context) throws -> Poll<Output>
}
