import Testing
@testable import UVIO

/// Polls `future` until ready with a waker that does nothing; for futures that need no I/O.
func pollToEnd<F: Future>(_ future: F, maxPolls: Int = 100) throws -> F.Output? {
    var future = future
    var context = Context(waker: .noop)
    for _ in 0..<maxPolls {
        if case .ready(let value) = try future.poll(&context) { return value }
    }
    return nil
}

/// Pending on its first `delay` polls, then ready with `value`.
struct Later<Value>: Future {
    let value: Value
    var delay: Int
    mutating func poll(_ context: inout Context) throws -> Poll<Value> {
        guard delay == 0 else {
            delay -= 1
            return .pending
        }
        return .ready(value)
    }
}

@Suite("Combinators", .timeLimit(.minutes(2)))
struct CombinatorTests {
    @Test func mapTransformsTheOutput() throws {
        #expect(try pollToEnd(Later(value: 20, delay: 2).map { $0 + 1 }) == 21)
    }

    @Test func flatMapRunsTheNextFuture() throws {
        let future = Later(value: 2, delay: 1).flatMap { Later(value: "x" + String($0), delay: 2) }
        #expect(try pollToEnd(future) == "x2")
    }

    @Test func flatMapSkipsTheNextFutureOnError() throws {
        let future = Failing(error: .timedOut).flatMap { _ -> Ready<Int> in
            Issue.record("next future made after an error")
            return Ready(0)
        }
        #expect(throws: UVError.timedOut) { try pollToEnd(future) }
    }

    @Test func mapErrorTransformsTheError() throws {
        #expect(throws: UVError.closed) { try pollToEnd(Failing(error: .timedOut).mapError { _ in UVError.closed }) }
    }

    @Test func thenSeesOutputAndError() throws {
        let fromError = Failing(error: .timedOut).then { result in Ready(result.failureIsTimedOut) }
        #expect(try pollToEnd(fromError) == true)
        let fromValue = Later(value: 1, delay: 1).then { result in Ready((try? result.get()) == 1) }
        #expect(try pollToEnd(fromValue) == true)
    }

    @Test func joinWaitsForBoth() throws {
        let output = try pollToEnd(Later(value: 1, delay: 3).join(Later(value: "b", delay: 1)))
        #expect(output?.0 == 1)
        #expect(output?.1 == "b")
    }

    @Test func joinFailsWithTheFirstError() throws {
        #expect(throws: UVError.closed) { try pollToEnd(Later(value: 1, delay: 3).join(Failing(error: .closed))) }
    }

    @Test func selectReturnsTheFirstReadyAndTheOther() throws {
        let outcome = try pollToEnd(Later(value: 1, delay: 3).select(Later(value: 2, delay: 1)))
        guard case .second(let value, var remaining) = outcome else {
            Issue.record("expected the second future to win")
            return
        }
        #expect(value == 2)
        // The loser is handed back unfinished and can be polled on.
        var context = Context(waker: .noop)
        var result = try remaining.poll(&context)
        while case .pending = result { result = try remaining.poll(&context) }
        #expect(result == .ready(1))
    }

    @Test func selectPrefersTheFirstWhenBothAreReady() throws {
        let outcome = try pollToEnd(Ready(1).select(Ready(2)))
        guard case .first(let value, _) = outcome else {
            Issue.record("expected the first future to win")
            return
        }
        #expect(value == 1)
    }
}

extension Result {
    var failureIsTimedOut: Bool {
        if case .failure(let error) = self { return UVError.timedOut ~= error }
        return false
    }
}
