internal import CLibUV

// Named constants for the codes users meet most. Each cites the libuv name it stands for.
extension UVError {
    /// The connection attempt was refused: nobody listens there. The corresponding libuv code is `UV_ECONNREFUSED`.
    public static let connectionRefused = UVError(code: UV_ECONNREFUSED.rawValue)
    /// The peer reset the connection. The corresponding libuv code is `UV_ECONNRESET`.
    public static let connectionReset = UVError(code: UV_ECONNRESET.rawValue)
    /// The operation did not finish in the time allowed. The corresponding libuv code is `UV_ETIMEDOUT`.
    public static let timedOut = UVError(code: UV_ETIMEDOUT.rawValue)
    /// The address is already in use. The corresponding libuv code is `UV_EADDRINUSE`.
    public static let addressInUse = UVError(code: UV_EADDRINUSE.rawValue)
    /// The address is not available on this machine. The corresponding libuv code is `UV_EADDRNOTAVAIL`.
    public static let addressNotAvailable = UVError(code: UV_EADDRNOTAVAIL.rawValue)
    /// The operation was cancelled. The corresponding libuv code is `UV_ECANCELED`.
    public static let cancelled = UVError(code: UV_ECANCELED.rawValue)
    /// Writing to a stream whose peer has closed its read side. The corresponding libuv code is `UV_EPIPE`.
    public static let brokenPipe = UVError(code: UV_EPIPE.rawValue)
    /// An argument is not valid. The corresponding libuv code is `UV_EINVAL`.
    public static let invalidArgument = UVError(code: UV_EINVAL.rawValue)
    /// A datagram is larger than the socket can send. The corresponding libuv code is `UV_EMSGSIZE`.
    public static let messageTooLong = UVError(code: UV_EMSGSIZE.rawValue)
    /// The host name is unknown to the resolver. The corresponding libuv code is `UV_EAI_NONAME`.
    public static let unknownHost = UVError(code: UV_EAI_NONAME.rawValue)
    /// The process has no descriptor left. The corresponding libuv code is `UV_EMFILE`.
    public static let tooManyOpenFiles = UVError(code: UV_EMFILE.rawValue)
    /// The socket is not connected. The corresponding libuv code is `UV_ENOTCONN`.
    public static let notConnected = UVError(code: UV_ENOTCONN.rawValue)
    /// End of file. libuv reports it as `UV_EOF`; UVIO's reads return 0 instead of throwing it.
    public static let endOfFile = UVError(code: UV_EOF.rawValue)

    /// The stream ended before the requested bytes arrived; `bytesTransferred` says how many did.
    /// A UVIO condition (`readExact`, `readLine` with a partial line is not one: it returns the line).
    public static let unexpectedEndOfStream = UVError(code: Own.unexpectedEndOfStream.rawValue)
    /// A write made no progress: the writer accepted zero bytes. A UVIO condition.
    public static let writeZero = UVError(code: Own.writeZero.rawValue)
    /// The handle was closed, before or during the call. A UVIO condition.
    public static let closed = UVError(code: Own.closed.rawValue)
    /// The event loop has shut down, before or during the call. A UVIO condition.
    public static let loopShutDown = UVError(code: Own.loopShutDown.rawValue)
    /// The call was made from a thread where it would deadlock or break libuv's threading rule,
    /// such as a blocking call on an event loop's own thread. A UVIO condition.
    public static let wrongThread = UVError(code: Own.wrongThread.rawValue)
    /// A text is not a valid IP address with port. A UVIO condition.
    public static let malformedAddress = UVError(code: Own.malformedAddress.rawValue)
    /// A port number outside 0...65535. A UVIO condition.
    public static let portOutOfRange = UVError(code: Own.portOutOfRange.rawValue)
    /// A size or count is negative or larger than allowed, or a limit (line length, `readToEnd`
    /// size) was exceeded. A UVIO condition.
    public static let limitExceeded = UVError(code: Own.limitExceeded.rawValue)

    /// UVIO's own codes: below libuv's range, so they never collide with an errno.
    enum Own: Int32 {
        case unexpectedEndOfStream = -5001
        case writeZero = -5002
        case closed = -5003
        case loopShutDown = -5004
        case wrongThread = -5005
        case malformedAddress = -5006
        case portOutOfRange = -5007
        case limitExceeded = -5008

        var name: String {
            switch self {
            case .unexpectedEndOfStream: "UVIO_UNEXPECTED_EOF"
            case .writeZero: "UVIO_WRITE_ZERO"
            case .closed: "UVIO_CLOSED"
            case .loopShutDown: "UVIO_LOOP_SHUT_DOWN"
            case .wrongThread: "UVIO_WRONG_THREAD"
            case .malformedAddress: "UVIO_MALFORMED_ADDRESS"
            case .portOutOfRange: "UVIO_PORT_OUT_OF_RANGE"
            case .limitExceeded: "UVIO_LIMIT_EXCEEDED"
            }
        }

        var message: String {
            switch self {
            case .unexpectedEndOfStream: "end of stream before the requested bytes"
            case .writeZero: "write accepted zero bytes"
            case .closed: "handle is closed"
            case .loopShutDown: "event loop has shut down"
            case .wrongThread: "called from the wrong thread"
            case .malformedAddress: "malformed address"
            case .portOutOfRange: "port out of range 0...65535"
            case .limitExceeded: "size or limit out of range"
            }
        }
    }
}
