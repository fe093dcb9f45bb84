import Testing
@testable import UVIO

// Network rule: only `localhost`, numeric loopback literals and names under the reserved
// `.invalid` top-level domain are ever looked up.

// Serialized: two tests hold libuv's process-wide thread pool, which the others need.
@Suite("SocketAddress.resolve", .serialized, .timeLimit(.minutes(1)))
struct SocketAddressResolveTests {
    @Test func localhostResolvesToLoopback() async throws {
        let addresses = try await SocketAddress.resolve(host: "localhost", port: 8080)
        #expect(!addresses.isEmpty)
        #expect(Set(addresses).count == addresses.count)
        for address in addresses {
            #expect(address == .loopbackIPv4(port: 8080) || address == .loopbackIPv6(port: 8080), "\(address)")
        }
    }

    /// A numeric host is its own answer: it does not even need a running loop.
    @Test func numericHostIsItself() async throws {
        let loop = EventLoop(name: "resolve-numeric")
        try await loop.shutdown()
        #expect(try await SocketAddress.resolve(host: "127.0.0.1", port: 1, on: loop) == [.loopbackIPv4(port: 1)])
        #expect(try await SocketAddress.resolve(host: "::1", port: 2, on: loop) == [.loopbackIPv6(port: 2)])
        let scoped = try await SocketAddress.resolve(host: "fe80::1%lo", port: 3, on: loop)
        #expect(scoped == [try SocketAddress(parsing: "[fe80::1%lo]:3")])
        await #expect(throws: UVError.loopShutDown) {
            try await SocketAddress.resolve(host: "localhost", port: 1, on: loop)
        }
    }

    /// Here glibc answers `EAI_NONAME` at once: the configured DNS server says the `.invalid`
    /// name does not exist. On a machine with no reachable DNS server glibc answers `EAI_AGAIN`
    /// (after its timeouts) and this test fails, which is the honest result there.
    @Test func unknownNameThrowsUnknownHost() async throws {
        let error = await #expect(throws: UVError.unknownHost) {
            try await SocketAddress.resolve(host: "localhost-does-not-exist.invalid", port: 80)
        }
        #expect(error?.name == "EAI_NONAME")
        #expect(error?.context?.contains("localhost-does-not-exist.invalid") == true)
    }

    @Test(arguments: [-1, 65536, Int.max, Int.min])
    func portOutOfRangeThrows(_ port: Int) async {
        await #expect(throws: UVError.portOutOfRange) { try await SocketAddress.resolve(host: "localhost", port: port) }
        await #expect(throws: UVError.portOutOfRange) { try await SocketAddress.resolve(host: "::1", port: port) }
    }

    @Test(arguments: ["", "::1:80:x", "[::1]", "fe80::1%no-such-interface"])
    func malformedHostThrows(_ host: String) async {
        await #expect(throws: UVError.malformedAddress) { try await SocketAddress.resolve(host: host, port: 80) }
    }

    /// C would read only `localhost` and resolve it.
    @Test func hostWithNULThrows() async {
        await #expect(throws: UVError.malformedAddress) {
            try await SocketAddress.resolve(host: "local\0host", port: 80)
        }
    }

    @Test func resolvesOnAnExplicitLoopThatThenShutsDown() async throws {
        let loop = EventLoop(name: "resolve-explicit")
        let addresses = try await SocketAddress.resolve(host: "localhost", port: 1, on: loop)
        #expect(!addresses.isEmpty)
        // From a task on the loop itself the request starts at once, without `execute`.
        let onLoop = Task(executorPreference: loop) {
            try await SocketAddress.resolve(host: "localhost", port: 1, on: loop)
        }
        #expect(try await onLoop.value == addresses)
        try await loop.shutdown()
    }

    @Test func cancelledBeforeStartingThrowsCancellationError() async throws {
        let loop = EventLoop(name: "resolve-precancel")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await SocketAddress.resolve(host: "localhost", port: 1, on: loop)
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        try await loop.shutdown()
    }

    /// With the thread pool busy the lookup stays queued, so `uv_cancel` cancels it and libuv
    /// calls back with `UV_EAI_CANCELED` at once, which frees the request.
    @Test func cancellingAQueuedLookupCancelsTheRequest() async throws {
        let loop = EventLoop(name: "resolve-cancel")
        let blocker = try await ThreadPoolBlocker(on: loop)
        defer { blocker.release() }
        let task = Task { try await SocketAddress.resolve(host: "localhost", port: 1, on: loop) }
        try await waitForResources(1, on: loop)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await waitForResources(0, on: loop)  // the callback ran while the pool is still busy
        blocker.release()
        try await loop.shutdown()
    }

    @Test func shutdownDuringALookupThrowsLoopShutDown() async throws {
        let loop = EventLoop(name: "resolve-shutdown")
        let blocker = try await ThreadPoolBlocker(on: loop)
        defer { blocker.release() }
        let task = Task { try await SocketAddress.resolve(host: "localhost", port: 1, on: loop) }
        try await waitForResources(1, on: loop)
        let shutdown = Task { try await loop.shutdown() }
        await #expect(throws: UVError.loopShutDown) { try await task.value }
        blocker.release()
        try await shutdown.value
    }

    /// Waits until `loop` has `count` registered resources (here: running lookups).
    private func waitForResources(_ count: Int, on loop: EventLoop) async throws {
        // Bounded: at most about 30 s of 1 ms steps, then the expectation fails.
        for _ in 0..<30_000 where try await Self.onLoop(loop, { loop.openResourceCount }) != count {
            try await loop.sleep(for: .milliseconds(1))
        }
        #expect(try await Self.onLoop(loop, { loop.openResourceCount }) == count)
    }

    private static func onLoop<T: Sendable>(_ loop: EventLoop, _ body: @escaping @Sendable () -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try loop.execute { continuation.resume(returning: body()) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
