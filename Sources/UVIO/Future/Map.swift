/// A future that transforms the output of another: made by `Future.map(_:)`.
public struct Map<Base: Future, Output>: Future {
    private var base: Base
    private let transform: (Base.Output) throws -> Output

    init(_ base: Base, _ transform: @escaping (Base.Output) throws -> Output) {
        self.base = base
        self.transform = transform
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Output> {
        switch try base.poll(&context) {
        case .ready(let value): .ready(try transform(value))
        case .pending: .pending
        }
    }
}

extension Future {
    /// Returns a future whose output is `transform` applied to this future's output.
    ///
    /// - Parameter transform: runs once, on the thread that polls (the loop, under
    ///   `FutureExecutor`); what it throws becomes the future's error.
    /// - Returns: the combined future; errors of this future pass through.
    public func map<T>(_ transform: @escaping (Output) throws -> T) -> Map<Self, T> {
        Map(self, transform)
    }
}
