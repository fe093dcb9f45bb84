/// A sink of bytes written asynchronously: the counterpart of Tokio's `AsyncWrite`.
///
/// The helpers `writeAll` and `copy(from:to:)` extend every writer.
public protocol AsyncByteWriter {
    /// Writes some of `bytes` and returns how many were written; 0 only when `bytes` is empty or
    /// the writer can take no more (which `writeAll` reports as `UVError.writeZero`).
    ///
    /// The bytes are copied or written before the call returns: the caller may reuse the memory.
    func write(_ bytes: UnsafeRawBufferPointer) async throws -> Int

    /// Shuts down the writing side once everything written has been sent: the peer reads end of
    /// stream.
    func shutdownWrite() async throws
}
