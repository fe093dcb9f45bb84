extension AsyncByteWriter {
    /// Writes every byte of `bytes`, calling `write(_:)` until none is left.
    ///
    /// - Parameter bytes: The bytes to write; they must stay valid until the call returns.
    /// - Throws: `UVError.writeZero` if a write accepts 0 bytes while some remain, with
    ///   `bytesTransferred` set to the number written before it; any error the writer throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError`. The bytes already written stay written, and
    /// how many they were is lost.
    ///
    /// ## Example
    /// ```swift
    /// try await stream.writeAll(header)
    /// try await stream.writeAll("ok\r\n")
    /// ```
    public func writeAll(_ bytes: UnsafeRawBufferPointer) async throws {
        var written = 0
        while written < bytes.count {
            let remaining = bytes.count - written
            let n = try await write(UnsafeRawBufferPointer(rebasing: bytes[written...]))
            precondition(n >= 0 && n <= remaining, "write(_:) returned \(n) for \(remaining) bytes")
            if n == 0 {
                throw UVError(
                    code: UVError.writeZero.code,
                    context: "writeAll: the writer accepted 0 of the last \(remaining) bytes",
                    bytesTransferred: written
                )
            }
            written += n
        }
    }

    /// Writes every byte of `bytes`, calling `write(_:)` until none is left.
    ///
    /// An array's storage cannot be lent across a suspension point, so the bytes pass through a
    /// scratch buffer of at most 64 KiB: one copy more than `writeAll(_:)` with a raw buffer.
    ///
    /// - Parameter bytes: The bytes to write.
    /// - Throws: `UVError.writeZero` if a write accepts 0 bytes while some remain, with
    ///   `bytesTransferred` set to the number written before it; any error the writer throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError`. The bytes already written stay written, and
    /// how many they were is lost.
    public func writeAll(_ bytes: [UInt8]) async throws {
        try await writeAllCopying(bytes)
    }

    /// Writes every byte of `bytes`, calling `write(_:)` until none is left.
    ///
    /// The bytes pass through a scratch buffer of at most 64 KiB, as with an array.
    ///
    /// - Parameter bytes: The bytes to write.
    /// - Throws: `UVError.writeZero` if a write accepts 0 bytes while some remain, with
    ///   `bytesTransferred` set to the number written before it; any error the writer throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError`. The bytes already written stay written, and
    /// how many they were is lost.
    public func writeAll(_ bytes: ArraySlice<UInt8>) async throws {
        try await writeAllCopying(bytes)
    }

    /// Writes `string` encoded as UTF-8, calling `write(_:)` until no byte is left.
    ///
    /// No terminator is added. The bytes pass through a scratch buffer of at most 64 KiB.
    ///
    /// - Parameter string: The text to write.
    /// - Throws: `UVError.writeZero` if a write accepts 0 bytes while some remain, with
    ///   `bytesTransferred` set to the number written before it; any error the writer throws.
    ///
    /// ## Cancellation
    /// A cancelled call throws `CancellationError`. The bytes already written stay written, and
    /// how many they were is lost.
    public func writeAll(_ string: String) async throws {
        try await writeAllCopying(string.utf8)
    }

    /// Writes a collection of bytes through a bounded scratch buffer, one slice at a time.
    private func writeAllCopying<Bytes: Collection<UInt8>>(_ bytes: Bytes) async throws {
        let total = bytes.count
        if total == 0 { return }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: min(total, 64 * 1024), alignment: 1)
        defer { scratch.deallocate() }
        var written = 0
        var start = bytes.startIndex
        while start != bytes.endIndex {
            let end = bytes.index(start, offsetBy: scratch.count, limitedBy: bytes.endIndex) ?? bytes.endIndex
            let slice = bytes[start..<end]
            let count = slice.count
            UnsafeMutableRawBufferPointer(rebasing: scratch[..<count]).copyBytes(from: slice)
            do {
                try await writeAll(UnsafeRawBufferPointer(rebasing: scratch[..<count]))
            } catch let error as UVError where error == .writeZero {
                // Count over the whole input, not over this slice.
                let done = written + (error.bytesTransferred ?? 0)
                throw UVError(
                    code: error.code,
                    context: "writeAll: the writer accepted 0 of the last \(total - done) bytes",
                    bytesTransferred: done
                )
            }
            written += count
            start = end
        }
    }
}
