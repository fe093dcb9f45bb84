import ArgumentParser
import Foundation
import UVIO

/// `uvio demo`: what `make demo` runs. Echo servers on loopback, driven by concurrent clients in
/// every façade, every byte checked, and a table a person can read.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Drive echo servers on loopback with clients in every façade and print what they did.",
        discussion: """
            Starts echo servers on 127.0.0.1 (TCP, UDP; ports chosen by the system) and on a Unix \
            socket, then runs each façade's clients against them in turn: every client sends a \
            message, waits for its echo and checks it byte for byte. Prints one row per façade \
            (connections, messages, bytes both ways, messages per second, p50 and p99 round-trip \
            latency) and exits non-zero if any byte came back wrong or any client failed. The \
            numbers are from this machine, with servers and clients sharing it.
            """
    )

    @Option(help: "Seconds each façade runs.")
    var seconds = 1.0

    @Option(help: "Concurrent connections per façade.")
    var connections = 8

    @Option(help: "Bytes per message.")
    var size = 256

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600]") }
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard size >= 1 else { throw ValidationError("--size must be at least 1") }
    }

    func run() async throws {
        let group = try EventLoopGroup(loopCount: 2, name: "uvio-demo")
        let serverLoop = group.loops[0]
        let clientLoop = group.loops[1]
        let unixPath = NSTemporaryDirectory() + "uvio-demo-\(getpid()).sock"
        var servers: [EchoServer] = []
        var targets = DemoTargets()
        do {
            let tcp = try await EchoServer.start(.tcp(.loopbackIPv4(port: 0)), style: .async, on: serverLoop)
            servers.append(tcp)
            targets.tcp = tcp.socketAddress
            let udp = try await EchoServer.start(.udp(.loopbackIPv4(port: 0)), style: .async, on: serverLoop)
            servers.append(udp)
            targets.udp = udp.socketAddress
            let unix = try await EchoServer.start(.unix(unixPath), style: .async, on: serverLoop)
            servers.append(unix)
            targets.unix = unix.address
        } catch {
            for server in servers { await server.stop() }
            try? await group.shutdown()
            throw fail("uvio demo: could not start the echo servers: \(error)")
        }

        Console.say(
            "uvio demo: echo servers (async style) on TCP \(servers[0].address), UDP \(servers[1].address), "
                + "Unix socket \(servers[2].address)")
        Console.say(
            "each façade: \(connections) connections sending \(size)-byte messages for \(seconds) s, "
                + "every echo checked byte for byte\n")
        var results: [LoadResult] = []
        for driver in demoDrivers(targets, on: clientLoop) {
            let result = await runLoad(driver, connections: connections, size: size, duration: .seconds(seconds))
            let name = driver.name.padding(toLength: 14, withPad: " ", startingAt: 0)
            Console.finish(
                "  \(name) \(Format.count(result.messages)) messages, \(result.passed ? "all intact" : "FAILED")")
            results.append(result)
        }
        for server in servers { await server.stop() }
        try await group.shutdown()

        Console.say("\n" + LoadTable.render(results))
        let failed = results.filter { !$0.passed }.count
        Console.say(
            failed == 0
                ? "\nevery byte came back intact (\(results.count) façades; numbers from this machine, "
                    + "\(ProcessInfo.processInfo.activeProcessorCount) cores, servers and clients sharing them)"
                : "\n\(failed) of \(results.count) runs FAILED")
        if failed > 0 { throw ExitCode.failure }
    }
}
