internal import CLibUV

/// An error from libuv or from UVIO itself.
///
/// Errors from libuv carry libuv's negative error code (for example `UV_ECONNREFUSED`), its name
/// (`"ECONNREFUSED"`) and its message. Conditions that UVIO detects itself (a stream that ended
/// before the requested bytes arrived, a use after close, a call from the wrong thread) have codes
/// of their own, below libuv's range, and are listed with the constants.
///
/// Errors compare by code, and `~=` lets a `catch` clause match a constant:
///
/// ```swift
/// do {
///     let stream = try await TCPStream.connect(to: address)
/// } catch UVError.connectionRefused {
///     print("nobody is listening")
/// }
/// ```
public struct UVError: Error, Hashable, Sendable, CustomStringConvertible {
    /// libuv's error code (negative), or one of UVIO's own codes (below -5000).
    public let code: Int32

    /// The context and the count, when either is set. Kept out of line so that an error is two
    /// words and an optional error is copied with one retain: every write completion and every
    /// write's check of the write side passes a `UVError?`, nearly always nil.
    private let details: Details?

    /// Details of this occurrence, such as the offending input; not part of equality.
    public var context: String? { details?.context }

    /// For `unexpectedEndOfStream`: how many bytes had been read before the stream ended.
    public var bytesTransferred: Int? { details?.bytesTransferred }

    /// Creates an error with a libuv or UVIO code.
    public init(code: Int32, context: String? = nil, bytesTransferred: Int? = nil) {
        self.code = code
        details = context == nil && bytesTransferred == nil
            ? nil : Details(context: context, bytesTransferred: bytesTransferred)
    }

    private final class Details: Sendable {
        let context: String?
        let bytesTransferred: Int?

        init(context: String?, bytesTransferred: Int?) {
            self.context = context
            self.bytesTransferred = bytesTransferred
        }
    }

    /// The symbolic name, such as `ECONNRESET`, as `uv_err_name_r` gives it.
    public var name: String {
        if let own = Own(rawValue: code) { return own.name }
        return Self.cString(capacity: 64) { uv_err_name_r(code, $0, $1) }
    }

    /// A human-readable message, as `uv_strerror_r` gives it.
    public var message: String {
        if let own = Own(rawValue: code) { return own.message }
        return Self.cString(capacity: 256) { uv_strerror_r(code, $0, $1) }
    }

    public var description: String {
        var text = "\(name): \(message)"
        if let context { text += " (\(context))" }
        return text
    }

    public static func == (lhs: UVError, rhs: UVError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Matches any error that is a `UVError` with the same code, so `catch UVError.timedOut` works.
    public static func ~= (pattern: UVError, value: any Error) -> Bool {
        (value as? UVError)?.code == pattern.code
    }

    /// Returns a copy with `context` set.
    func with(context: String) -> UVError {
        UVError(code: code, context: context, bytesTransferred: bytesTransferred)
    }

    private static func cString(
        capacity: Int,
        _ fill: (UnsafeMutablePointer<CChar>, Int) -> UnsafeMutablePointer<CChar>?
    ) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            _ = fill(buffer.baseAddress!, capacity)
            return String(cString: buffer.baseAddress!)
        }
    }
}

extension UVError {
    /// Turns a libuv return code into an error: negative codes throw, others are returned.
    ///
    /// This is the one place where libuv's return codes become Swift errors.
    @discardableResult
    static func check(_ result: Int32, _ context: @autoclosure () -> String? = nil) throws(UVError) -> Int32 {
        if result < 0 { throw UVError(code: result, context: context()) }
        return result
    }
}
