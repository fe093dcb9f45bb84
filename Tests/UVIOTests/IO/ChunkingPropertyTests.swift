import Testing
import UVIO

/// However a byte stream is cut into chunks, the helpers must give the same results.
@Suite("random chunkings")
struct ChunkingPropertyTests {
    /// One outcome of a helper call, comparable across runs.
    enum Outcome: Equatable, CustomStringConvertible {
        case bytes([UInt8])
        case line(String?)
        case error(code: Int32, bytesTransferred: Int?)

        /// Errors compare by code and count, except that a `nil` count matches any.
        static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            switch (lhs, rhs) {
            case (.bytes(let l), .bytes(let r)): l == r
            case (.line(let l), .line(let r)): l == r
            case (.error(let lc, let ln), .error(let rc, let rn)): lc == rc && (ln == nil || rn == nil || ln == rn)
            default: false
            }
        }

        var description: String {
            switch self {
            case .bytes(let bytes): "bytes(\(bytes))"
            case .line(let line): "line(\(line.map { "\($0.debugDescription)" } ?? "nil"))"
            case .error(let code, let count): "error(\(code), \(count.map(String.init) ?? "-"))"
            }
        }
    }

    /// A stream rich in the bytes the helpers look for: "\n", "\r", ";" and invalid UTF-8.
    static func randomData(_ rng: inout SplitMix64) -> [UInt8] {
        let alphabet = Array("ab\n\r;".utf8) + [0xFF]
        return (0..<Int.random(in: 0...300, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
    }

    static func randomChunking(_ rng: inout SplitMix64) -> [Int] {
        (0..<Int.random(in: 1...20, using: &rng)).map { _ in Int.random(in: 1...17, using: &rng) }
    }

    /// Runs `step` until `isLast` says so (or 300 steps), recording each outcome.
    static func run(
        _ reader: ChunkedReader,
        until isLast: (Outcome) -> Bool,
        _ step: (ChunkedReader) async throws -> Outcome
    ) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for _ in 0..<300 {
            do {
                outcomes.append(try await step(reader))
            } catch let error as UVError {
                outcomes.append(.error(code: error.code, bytesTransferred: error.bytesTransferred))
            } catch {
                Issue.record(error)
                break
            }
            if isLast(outcomes.last!) { break }
        }
        return outcomes
    }

    @Test(arguments: 0..<200 as Range<UInt64>)
    func helpersIgnoreChunkBoundaries(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let data = Self.randomData(&rng)
        let maxLength = Int.random(in: 0...12, using: &rng)
        let sizes = (0..<400).map { _ in Int.random(in: 0...9, using: &rng) }

        let lines: (ChunkedReader) async throws -> Outcome = { .line(try await $0.readLine(maxLength: maxLength)) }
        let records: (ChunkedReader) async throws -> Outcome = {
            .bytes(try await $0.readUntil(UInt8(ascii: ";"), maxLength: maxLength))
        }
        var index = 0
        let exact: (ChunkedReader) async throws -> Outcome = { reader in
            defer { index += 1 }
            return .bytes(try await reader.readExact(sizes[index % sizes.count]))
        }

        let endOfStream = Outcome.error(code: UVError.unexpectedEndOfStream.code, bytesTransferred: nil)
        func outcomes(_ chunking: [Int]) async -> [[Outcome]] {
            index = 0
            return [
                await Self.run(ChunkedReader(data, chunkSizes: chunking), until: { $0 == .line(nil) }, lines),
                await Self.run(ChunkedReader(data, chunkSizes: chunking), until: { $0 == .bytes([]) }, records),
                await Self.run(ChunkedReader(data, chunkSizes: chunking), until: { $0 == endOfStream }, exact),
            ]
        }

        // One chunk holding everything is the reference.
        let expected = await outcomes([data.count + 1])
        #expect(expected[0] == Self.referenceLines(data, maxLength: maxLength))
        for _ in 0..<5 {
            let chunking = Self.randomChunking(&rng)
            #expect(await outcomes(chunking) == expected, "seed \(seed), chunks \(chunking)")
        }
    }

    /// `readLine` written from its documentation, on the whole input at once.
    static func referenceLines(_ data: [UInt8], maxLength: Int) -> [Outcome] {
        var outcomes: [Outcome] = []
        var rest = data[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: 10).map { $0 + 1 } ?? rest.endIndex
            var line = Array(rest[..<end])
            if line.last == 10 {
                line.removeLast()
                if line.last == 13 { line.removeLast() }
            }
            if line.count > maxLength {
                outcomes.append(.error(code: UVError.limitExceeded.code, bytesTransferred: nil))
                rest = rest.dropFirst(min(maxLength + 2, end - rest.startIndex))
            } else {
                outcomes.append(.line(String(decoding: line, as: UTF8.self)))
                rest = rest[end...]
            }
        }
        outcomes.append(.line(nil))
        return outcomes
    }
}
