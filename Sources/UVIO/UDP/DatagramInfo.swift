/// What a receive into a caller's buffer reports: how many bytes it copied, the sender, and
/// whether the datagram did not fit.
///
/// Returned by `UDPSocket.receive(into:)`, `UDPSocket.pollReceive(_:into:)` and the
/// `ReceiveDatagram` future.
public struct DatagramInfo: Sendable, Hashable {
    /// How many bytes were copied into the buffer.
    public var count: Int
    /// The address the datagram came from.
    public var sender: SocketAddress
    /// Whether the datagram was longer than `count`: larger than the caller's buffer or than the
    /// socket's `maximumDatagramSize`. The rest is discarded, as UDP does.
    public var isTruncated: Bool

    /// Creates a receive report.
    /// - Parameters:
    ///   - count: the bytes copied.
    ///   - sender: where the datagram came from.
    ///   - isTruncated: whether bytes were discarded.
    public init(count: Int, sender: SocketAddress, isTruncated: Bool) {
        self.count = count
        self.sender = sender
        self.isTruncated = isTruncated
    }
}
