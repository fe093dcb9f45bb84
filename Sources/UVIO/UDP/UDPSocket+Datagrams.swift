extension UDPSocket {
    /// The received datagrams as an asynchronous sequence; it ends when the socket is closed.
    ///
    /// ```swift
    /// for try await datagram in socket.datagrams {
    ///     try await socket.send(datagram.bytes, to: datagram.sender)
    /// }
    /// ```
    ///
    /// Several iterators share the socket's one queue: each datagram goes to one of them.
    public var datagrams: Datagrams { Datagrams(socket: self) }

    /// An `AsyncSequence` of received datagrams; see `datagrams`.
    public struct Datagrams: AsyncSequence, Sendable {
        let socket: UDPSocket

        public func makeAsyncIterator() -> Iterator { Iterator(socket: socket) }

        /// Takes the next datagram; nil once the socket is closed.
        public struct Iterator: AsyncIteratorProtocol {
            let socket: UDPSocket

            public mutating func next() async throws -> Datagram? {
                do {
                    return try await socket.receive()
                } catch UVError.closed {
                    return nil
                }
            }
        }
    }
}
