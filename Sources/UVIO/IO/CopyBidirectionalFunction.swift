/// Copies bytes both ways between `a` and `b` at once, until both directions have ended.
///
/// Runs two child tasks: one copies from `a` to `b`, the other from `b` to `a`. When one
/// direction's reader ends, that direction shuts down its writer (`b.shutdownWrite()` when `a`
/// ends, and the other way round), so each peer reads end of stream in turn: a half-close. The
/// call then waits for the other direction. A proxy is the typical use.
///
/// - Parameters:
///   - a: One duplex stream.
///   - b: The other.
///   - bufferSize: The buffer size of each direction, 1 or more.
/// - Returns: How many bytes went from `a` to `b` and from `b` to `a`.
/// - Throws: The first error of either direction, including a failed `shutdownWrite()` and
///   `UVError.invalidArgument` for a `bufferSize` below 1. The other direction is then cancelled
///   and awaited before the call throws, and both counts are lost.
///
/// ## Cancellation
/// Cancelling the call cancels both directions; it throws `CancellationError` and loses what
/// `copy(from:to:bufferSize:)` loses, in each direction. No writer is shut down.
///
/// ## Example
/// ```swift
/// let upstream = try await TCPStream.connect(to: backend)
/// let (sent, received) = try await copyBidirectional(client, upstream)
/// ```
public func copyBidirectional(
    _ a: some AsyncByteReader & AsyncByteWriter & Sendable,
    _ b: some AsyncByteReader & AsyncByteWriter & Sendable,
    bufferSize: Int = 64 * 1024
) async throws -> (aToB: Int, bToA: Int) {
    try await withThrowingTaskGroup(of: Direction.self) { group in
        group.addTask { .aToB(try await copyThenShutdown(from: a, to: b, bufferSize: bufferSize)) }
        group.addTask { .bToA(try await copyThenShutdown(from: b, to: a, bufferSize: bufferSize)) }
        var counts = (aToB: 0, bToA: 0)
        // The first error leaves this loop by throwing; the group then cancels and awaits the
        // other direction.
        for try await direction in group {
            switch direction {
            case .aToB(let n): counts.aToB = n
            case .bToA(let n): counts.bToA = n
            }
        }
        return counts
    }
}

/// The result of one direction of `copyBidirectional`.
private enum Direction: Sendable {
    case aToB(Int)
    case bToA(Int)
}

/// One direction of `copyBidirectional`: copy, then pass the end of stream on.
private func copyThenShutdown(
    from reader: some AsyncByteReader,
    to writer: some AsyncByteWriter,
    bufferSize: Int
) async throws -> Int {
    let count = try await copy(from: reader, to: writer, bufferSize: bufferSize)
    try await writer.shutdownWrite()
    return count
}
