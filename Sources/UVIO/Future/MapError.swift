/// A future that transforms the error of another: made by `Future.mapError(_:)`.
public struct MapError<Base: Future>: Future {
    private var base: Base
    private let transform: (any Error) -> any Error

    init(_ base: Base, _ transform: @escaping (any Error) -> any Error) {
        self.base = base
        self.transform = transform
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Base.Output> {
        do {
            return try base.poll(&context)
        } catch {
            throw transform(error)
        }
    }
}

extension Future {
    /// Returns a future that throws `transform(error)` where this future throws `error`.
    ///
    /// ```swift
    /// let read = ReadExact(stream, header).mapError { _ in ProtocolError.truncatedHeader }
    /// ```
    /// - Parameter transform: maps the error; it runs on the thread that polls.
    public func mapError(_ transform: @escaping (any Error) -> any Error) -> MapError<Self> {
        MapError(self, transform)
    }
}
