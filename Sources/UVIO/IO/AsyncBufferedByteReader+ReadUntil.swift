extension AsyncBufferedByteReader {
    /// Reads up to and including the next `delimiter` byte.
    ///
    /// Moves the buffered bytes into the result as they arrive, so a long line never has to fit in
    /// the stream's receive buffer. At the end of the stream it returns what it read, which then
    /// lacks the delimiter.
    ///
    /// - Parameters:
    ///   - delimiter: The byte that ends the read.
    ///   - maxLength: The most bytes the result may hold, delimiter included; 0 or more.
    /// - Returns: The bytes up to and including `delimiter`; without it at the end of the stream;
    ///   empty if the stream had already ended.
    /// - Throws: `UVError.limitExceeded` when the delimiter does not come within `maxLength` bytes
    ///   (exactly `maxLength` bytes are then consumed and lost; the stream continues after them) or
    ///   when `maxLength` is negative; any error the reader throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError` and loses the bytes it had already moved into
    /// its result: the next read starts after them.
    ///
    /// ## Example
    /// ```swift
    /// let record = try await stream.readUntil(0)  // a NUL-terminated record
    /// ```
    public func readUntil(_ delimiter: UInt8, maxLength: Int = 64 * 1024) async throws -> [UInt8] {
        guard maxLength >= 0 else {
            throw UVError(code: UVError.limitExceeded.code, context: "readUntil maxLength \(maxLength) is negative")
        }
        var result: [UInt8] = []
        while true {
            let step: Step = try await consumeBuffered { available in
                if available.isEmpty { return (0, .done) }  // end of stream
                let room = maxLength - result.count
                let found = available.firstIndex(of: delimiter)
                let wanted = found.map { $0 + 1 } ?? available.count
                // Over the limit: take exactly up to it, so the position does not depend on how the
                // bytes happened to arrive.
                if wanted > room {
                    result.append(contentsOf: available[..<room])
                    return (room, .exceeded)
                }
                result.append(contentsOf: available[..<wanted])
                return (wanted, found == nil ? .more : .done)
            }
            switch step {
            case .more: continue
            case .done: return result
            case .exceeded:
                throw UVError(
                    code: UVError.limitExceeded.code,
                    context: "readUntil: no delimiter within maxLength of \(maxLength) bytes"
                )
            }
        }
    }
}

/// What one look into the buffer decided for `readUntil`.
private enum Step {
    case more
    case done
    case exceeded
}
