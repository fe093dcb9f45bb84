// libFuzzer target for the line reader: `readLineBytes` and `readUntil` over a stream served in
// chunks whose sizes come from the input, compared with a plain split of the whole input.
//
// Input: the first byte chooses the chunk sizes (cycled over 1, 2, 3, 7, 64, 4096 from a start
// the byte picks, each scaled by the following bytes), the rest is the stream. However the
// stream is cut, the lines must be those of the reference split. Built and run by `make fuzz`.
import Dispatch
import Synchronization
import UVIO

/// A reader that serves `data` in chunks, one chunk per wait, like a socket.
final class ChunkedBytes: AsyncBufferedByteReader, Sendable {
    private struct State {
        var offset = 0
        var arrived = 0
        var chunk = 0
    }

    private let data: [UInt8]
    private let sizes: [Int]
    private let state = Mutex(State())

    init(_ data: [UInt8], sizes: [Int]) {
        self.data = data
        self.sizes = sizes
    }

    func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        let (start, end) = state.withLock { state in
            if state.offset == state.arrived, state.arrived < data.count {
                state.arrived = min(data.count, state.arrived + sizes[state.chunk % sizes.count])
                state.chunk += 1
            }
            return (state.offset, state.arrived)
        }
        let (consumed, result) = try data[start..<end].withUnsafeBytes(body)
        precondition(consumed >= 0 && consumed <= end - start)
        state.withLock { $0.offset += consumed }
        return result
    }
}

/// The lines of `data` as `readLineBytes` defines them: split at `\n`, one `\r` before it dropped,
/// a last line without `\n` kept.
func referenceLines(_ data: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var current: [UInt8] = []
    for byte in data {
        if byte == 10 {
            if current.last == 13 { current.removeLast() }
            lines.append(current)
            current = []
        } else {
            current.append(byte)
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}

/// The records of `data` split after each NUL, the NUL kept, as `readUntil(0)` returns them.
func referenceRecords(_ data: [UInt8]) -> [[UInt8]] {
    var records: [[UInt8]] = []
    var current: [UInt8] = []
    for byte in data {
        current.append(byte)
        if byte == 0 {
            records.append(current)
            current = []
        }
    }
    if !current.isEmpty { records.append(current) }
    return records
}

/// Runs async work to completion from libFuzzer's synchronous callback.
func runBlocking(_ work: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await work()
        done.signal()
    }
    done.wait()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineReader(_ bytes: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: bytes, count: size))
    let base = [1, 2, 3, 7, 64, 4096]
    let start = Int(input[0])
    let sizes = (0..<8).map { (index: Int) -> Int in
        let scale = 1 + Int(input[min(index + 1, size - 1)] & 3)
        return base[(start + index) % base.count] * scale
    }
    let data = Array(input.dropFirst())
    runBlocking {
        do {
            let lines = ChunkedBytes(data, sizes: sizes)
            var got: [[UInt8]] = []
            while let line = try await lines.readLineBytes(maxLength: 1 << 20) { got.append(line) }
            precondition(got == referenceLines(data), "lines differ for chunk sizes \(sizes)")
            let records = ChunkedBytes(data, sizes: sizes)
            var taken: [[UInt8]] = []
            while true {
                let record = try await records.readUntil(0, maxLength: 1 << 20)
                if record.isEmpty { break }
                taken.append(record)
            }
            precondition(taken == referenceRecords(data), "records differ for chunk sizes \(sizes)")
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
    return 0
}
