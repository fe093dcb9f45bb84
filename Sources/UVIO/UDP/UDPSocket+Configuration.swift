extension UDPSocket {
    /// How a socket receives and queues datagrams; fixed when the socket is created.
    ///
    /// ```swift
    /// var configuration = UDPSocket.Configuration()
    /// configuration.receiveQueueLimit = 10_000
    /// configuration.batchedReceive = true
    /// let socket = try await UDPSocket.bind(.loopbackIPv4(port: 0), configuration: configuration)
    /// ```
    public struct Configuration: Sendable {
        /// How many received datagrams may wait for the application; beyond it new datagrams
        /// are dropped and counted in `droppedDatagramCount`. At least 1. Default 1024.
        public var receiveQueueLimit = 1024

        /// The largest datagram kept whole, in bytes (1...65536); longer datagrams are truncated
        /// to it and marked `isTruncated`. Default 65536, which holds any UDP payload.
        public var maximumDatagramSize = 65_536

        /// How many bytes of datagrams may wait to be sent before senders wait (async), poll
        /// pending (`pollSend`) or fail with `UV_ENOBUFS` (callbacks). A datagram always fits an
        /// empty queue. Default 1 MiB.
        public var sendQueueLimit = 1024 * 1024

        /// Receive several datagrams per system call with `recvmmsg` (`UV_UDP_RECVMMSG`). The
        /// socket then owns a 512 KiB buffer (eight 64 KiB slots). Default off.
        public var batchedReceive = false

        /// The kernel's receive buffer (`SO_RCVBUF`) to request, or nil for the system default.
        /// Linux doubles the value and caps it at `net.core.rmem_max`.
        public var receiveBufferSize: Int?

        /// The kernel's send buffer (`SO_SNDBUF`) to request, or nil for the system default.
        public var sendBufferSize: Int?

        /// Creates the default configuration.
        public init() {}

        func validate() throws(UVError) {
            guard receiveQueueLimit >= 1 else {
                throw UVError.limitExceeded.with(context: "receiveQueueLimit \(receiveQueueLimit) must be 1 or more")
            }
            guard (1...65_536).contains(maximumDatagramSize) else {
                throw UVError.limitExceeded.with(context: "maximumDatagramSize \(maximumDatagramSize) is not in 1...65536")
            }
            guard sendQueueLimit >= 1 else {
                throw UVError.limitExceeded.with(context: "sendQueueLimit \(sendQueueLimit) must be 1 or more")
            }
            for size in [receiveBufferSize, sendBufferSize].compactMap({ $0 }) where size < 1 || size > Int(Int32.max) {
                throw UVError.limitExceeded.with(context: "buffer size \(size) is not in 1...\(Int32.max)")
            }
        }
    }
}
