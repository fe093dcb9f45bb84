@testable import UVIO

/// A buffered reader that serves a fixed byte array in chunks, then ends.
///
/// Like a socket whose data arrives in pieces: the buffer holds at most one chunk, and the next
/// chunk "arrives" only once the buffer is empty. Chunks of 1 byte are the harshest case for a
/// helper. After the data the reader ends as `end` says: end of stream, an error, or a wait that
/// only cancellation ends.
final class ChunkedReader: AsyncBufferedByteReader, Sendable {
    enum End: Sendable {
        case endOfStream
        case error(UVError)
        case pending
    }

    private struct State {
        let data: [UInt8]
        let chunkSizes: [Int]
        let end: End
        var nextChunk = 0
        var consumed = 0
        var arrived = 0
        var calls = 0
    }

    private let state: LockedValue<State>

    /// Serves `data` in chunks of `chunkSize` bytes.
    convenience init(_ data: [UInt8], chunkSize: Int, end: End = .endOfStream) {
        self.init(data, chunkSizes: [chunkSize], end: end)
    }

    /// Serves `data` in chunks of the given sizes, repeated as needed.
    init(_ data: [UInt8], chunkSizes: [Int], end: End = .endOfStream) {
        precondition(!chunkSizes.isEmpty && chunkSizes.allSatisfy { $0 > 0 })
        state = LockedValue(State(data: data, chunkSizes: chunkSizes, end: end))
    }

    convenience init(_ text: String, chunkSize: Int, end: End = .endOfStream) {
        self.init(Array(text.utf8), chunkSize: chunkSize, end: end)
    }

    /// How many times `consumeBuffered` (and so `read(into:)`) was called.
    var calls: Int { state.withLock { $0.calls } }

    /// The bytes not consumed yet.
    var remaining: [UInt8] { state.withLock { Array($0.data[$0.consumed...]) } }

    func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        let buffered: [UInt8]? = state.withLock { state in
            state.calls += 1
            if state.consumed == state.arrived, state.arrived < state.data.count {
                let size = state.chunkSizes[state.nextChunk % state.chunkSizes.count]
                state.nextChunk += 1
                state.arrived = min(state.arrived + size, state.data.count)
            }
            return state.consumed < state.arrived ? Array(state.data[state.consumed..<state.arrived]) : nil
        }
        let bytes: [UInt8]
        if let buffered {
            bytes = buffered
        } else {
            switch state.withLock({ $0.end }) {
            case .endOfStream: bytes = []
            case .error(let error): throw error
            case .pending:
                try await Task.sleep(for: .seconds(3600))  // only cancellation ends it
                throw CancellationError()
            }
        }
        // The body runs outside the lock: one consumer at a time is all these tests need.
        let (consumed, result) = try bytes.withUnsafeBytes(body)
        precondition(consumed >= 0 && consumed <= bytes.count, "consumed \(consumed) of \(bytes.count)")
        state.withLock { $0.consumed += consumed }
        return result
    }
}

/// A writer that accepts at most `maxPerCall` bytes per call and `capacity` bytes in all, and
/// records what it got.
///
/// `maxPerCall: 1` forces the shortest writes; `maxPerCall: 0`, or a full `capacity`, makes
/// every write return 0. Writing after `shutdownWrite()` throws `UVError.brokenPipe`.
final class LimitedWriter: AsyncByteWriter, Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var calls = 0
        var isShutDown = false
    }

    private let state = LockedValue(State())
    let maxPerCall: Int
    let capacity: Int

    init(maxPerCall: Int = .max, capacity: Int = .max) {
        self.maxPerCall = maxPerCall
        self.capacity = capacity
    }

    /// Every byte written so far.
    var bytes: [UInt8] { state.withLock { $0.bytes } }
    /// How many times `write(_:)` was called.
    var calls: Int { state.withLock { $0.calls } }
    /// Whether `shutdownWrite()` was called.
    var isShutDown: Bool { state.withLock { $0.isShutDown } }

    func write(_ bytes: UnsafeRawBufferPointer) async throws -> Int {
        try state.withLock { state in
            state.calls += 1
            if state.isShutDown { throw UVError.brokenPipe }
            let n = min(bytes.count, maxPerCall, capacity - state.bytes.count)
            state.bytes.append(contentsOf: bytes[..<n])
            return n
        }
    }

    func shutdownWrite() async throws {
        state.withLock { $0.isShutDown = true }
    }
}

/// One end of a duplex test stream: reads from a `ChunkedReader`, writes to a `LimitedWriter`.
final class TestDuplex: AsyncBufferedByteReader, AsyncByteWriter, Sendable {
    let input: ChunkedReader
    let output: LimitedWriter

    init(input: ChunkedReader, output: LimitedWriter = LimitedWriter()) {
        self.input = input
        self.output = output
    }

    func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        try await input.consumeBuffered(body)
    }

    func write(_ bytes: UnsafeRawBufferPointer) async throws -> Int { try await output.write(bytes) }
    func shutdownWrite() async throws { try await output.shutdownWrite() }
}

/// SplitMix64: a small seeded generator, so a failing random case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The chunk sizes every helper is tested at: 1, small primes, a power of two, and larger than
/// any test's data.
let chunkSizes = [1, 2, 3, 7, 64, 100_000]
