/// A future that is ready at once with a value: the counterpart of `futures::future::ok`.
public struct Ready<Output>: Future {
    private var output: Output?

    /// Creates a future whose first poll returns `output`.
    public init(_ output: Output) {
        self.output = output
    }

    public mutating func poll(_ context: inout Context) throws -> Poll<Output> {
        guard let output else { preconditionFailure("polled a Ready after it finished") }
        self.output = nil
        return .ready(output)
    }
}
