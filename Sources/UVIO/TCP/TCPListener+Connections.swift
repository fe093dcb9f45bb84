extension TCPListener {
    /// The accepted connections as an asynchronous sequence: the seed's `incoming`.
    ///
    /// The sequence ends when the listener is closed; other errors are thrown by the iterator.
    ///
    /// ```swift
    /// for try await stream in listener.connections {
    ///     Task { try await handle(stream) }
    /// }
    /// ```
    public var connections: Connections { Connections(listener: self) }

    /// An `AsyncSequence` of accepted connections; see `connections`.
    public struct Connections: AsyncSequence, Sendable {
        let listener: TCPListener

        public func makeAsyncIterator() -> Iterator { Iterator(listener: listener) }

        public struct Iterator: AsyncIteratorProtocol {
            let listener: TCPListener

            public mutating func next() async throws -> TCPStream? {
                do {
                    return try await listener.accept()
                } catch UVError.closed {
                    return nil
                }
            }
        }
    }
}
