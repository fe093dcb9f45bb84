import Testing
@testable import UVIO

/// One of UVIO's three ways to use a stream. The conformance suite runs every scenario through
/// each, with the same primitive operations implemented three times: async/await methods, poll
/// futures on `FutureExecutor`, and callbacks.
enum Facade: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case async
    case poll
    case callbacks

    var testDescription: String { rawValue }

    /// Reads exactly `count` bytes; `UVError.unexpectedEndOfStream` (with the count read) if the
    /// stream ends first.
    func readExact(_ stream: TCPStream, _ count: Int) async throws -> [UInt8] {
        switch self {
        case .async:
            var bytes: [UInt8] = []
            while bytes.count < count {
                let wanted = count - bytes.count
                let chunk = try await stream.consumeBuffered { available in
                    let taken = min(available.count, wanted)
                    return (taken, [UInt8](available.prefix(taken)))
                }
                if chunk.isEmpty { throw earlyEnd(bytes.count) }
                bytes += chunk
            }
            return bytes
        case .poll:
            let buffer = [UInt8](repeating: 0, count: count)
            return try await FutureExecutor.spawn(ReadExact(stream, buffer), on: stream.loop).value.buffer
        case .callbacks:
            return try await withCheckedThrowingContinuation { continuation in
                var bytes: [UInt8] = []
                stream.startReading { event in
                    switch event {
                    case .data(let chunk):
                        bytes += chunk
                        guard bytes.count >= count else { return }
                        stream.stopReading()
                        if bytes.count == count {
                            continuation.resume(returning: bytes)
                        } else {
                            continuation.resume(throwing: UVError.limitExceeded.with(context: "read past \(count)"))
                        }
                    case .endOfStream:
                        continuation.resume(throwing: earlyEnd(bytes.count))
                    case .error(let error):
                        continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    /// Reads until the end of the stream.
    func readToEnd(_ stream: TCPStream) async throws -> [UInt8] {
        switch self {
        case .async:
            var bytes: [UInt8] = []
            while true {
                let chunk = try await stream.read(maxBytes: 1 << 20)
                if chunk.isEmpty { return bytes }
                bytes += chunk
            }
        case .poll:
            return try await FutureExecutor.spawn(ReadToEnd(stream), on: stream.loop).value.bytes
        case .callbacks:
            return try await withCheckedThrowingContinuation { continuation in
                var bytes: [UInt8] = []
                stream.startReading { event in
                    switch event {
                    case .data(let chunk): bytes += chunk
                    case .endOfStream: continuation.resume(returning: bytes)
                    case .error(let error): continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    /// Writes every byte and returns once they are written.
    func writeAll(_ stream: TCPStream, _ bytes: [UInt8]) async throws {
        switch self {
        case .async:
            try await stream.write(bytes)
        case .poll:
            _ = try await FutureExecutor.spawn(WriteAll(stream, bytes).flatMap { writer, _ in Flush(writer) },
                                               on: stream.loop).value
        case .callbacks:
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                stream.write(bytes) { error in
                    if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                }
            }
        }
    }

    /// Shuts down the write side.
    func shutdownWrite(_ stream: TCPStream) async throws {
        switch self {
        case .async:
            try await stream.shutdownWrite()
        case .poll:
            _ = try await FutureExecutor.spawn(Shutdown(stream), on: stream.loop).value
        case .callbacks:
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                stream.shutdownWrite { error in
                    if let error { continuation.resume(throwing: error) } else { continuation.resume() }
                }
            }
        }
    }

    /// Echoes what arrives back to the sender until the end of the stream, then shuts down the
    /// write side; returns the number of bytes echoed.
    func echo(_ stream: TCPStream) async throws -> Int {
        switch self {
        case .async:
            var total = 0
            while true {
                let chunk = try await stream.read(maxBytes: 64 * 1024)
                if chunk.isEmpty { break }
                try await stream.write(chunk)
                total += chunk.count
            }
            try await stream.shutdownWrite()
            return total
        case .poll:
            let echo = Copy(from: stream, to: stream)
                .flatMap { copied in Shutdown(copied.writer).map { _ in copied.count } }
            return try await FutureExecutor.spawn(echo, on: stream.loop).value
        case .callbacks:
            return try await withCheckedThrowingContinuation { continuation in
                var total = 0
                let failure = Locked<UVError?>(nil)  // shared by the handler and the completions
                stream.startReading { event in
                    switch event {
                    case .data(let chunk):
                        total += chunk.count
                        // Written from the loop's read buffer; libuv copies only what it cannot send.
                        stream.write(chunk) { error in
                            if let error { failure.withLock { $0 = $0 ?? error } }
                        }
                    case .endOfStream:
                        let echoed = total
                        stream.shutdownWrite { error in
                            if let error = failure.value ?? error {
                                continuation.resume(throwing: error)
                            } else {
                                continuation.resume(returning: echoed)
                            }
                        }
                    case .error(let error):
                        continuation.resume(throwing: error)
                    }
                }
            }
        }
    }

    private func earlyEnd(_ count: Int) -> UVError {
        UVError(code: UVError.unexpectedEndOfStream.code, bytesTransferred: count)
    }
}
