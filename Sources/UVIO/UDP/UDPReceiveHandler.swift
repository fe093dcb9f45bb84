/// The callback façade's receive handler of a UDP socket, in either form.
enum UDPReceiveHandler: Sendable {
    /// `onReceive(_:)`: each datagram as a `Datagram` value that owns a copy of its bytes.
    case copying(@Sendable (Result<Datagram, UVError>) -> Void)
    /// `onReceive(borrowing:)`: each datagram's bytes where libuv received them, during the call.
    case borrowing(@Sendable (UDPSocket.ReceiveEvent) -> Void)

    /// Hands over one datagram from libuv's receive buffer; the copying form copies it here.
    func deliver(_ bytes: UnsafeRawBufferPointer, _ info: DatagramInfo) {
        switch self {
        case .borrowing(let handler): handler(.datagram(bytes, info))
        case .copying(let handler):
            handler(.success(Datagram(bytes: [UInt8](bytes), sender: info.sender, isTruncated: info.isTruncated)))
        }
    }

    /// Hands over a datagram that waited in the queue.
    func deliver(_ datagram: Datagram) {
        switch self {
        case .copying(let handler): handler(.success(datagram))
        case .borrowing(let handler):
            let info = DatagramInfo(count: datagram.bytes.count, sender: datagram.sender, isTruncated: datagram.isTruncated)
            datagram.bytes.withUnsafeBytes { handler(.datagram($0, info)) }
        }
    }

    func fail(_ error: UVError) {
        switch self {
        case .copying(let handler): handler(.failure(error))
        case .borrowing(let handler): handler(.error(error))
        }
    }
}
