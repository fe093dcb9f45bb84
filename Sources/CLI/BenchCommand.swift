import ArgumentParser
import Foundation
import UVIO

/// `uvio bench`: a small built-in load generator, against its own echo server or one given by
/// address. It prints the same table as `uvio demo`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load an echo server with ping-pong connections and print throughput and latency.",
        discussion: """
            N connections each send an M-byte message, wait for its echo, check it, and repeat for \
            D seconds. Without --port (or --unix) it starts its own echo server on 127.0.0.1, on a \
            loop of its own. The numbers describe this machine at this moment; compare runs made \
            on the same machine only. The benchmark suites with baselines are under Benchmarks/.

            Examples:
              uvio bench --connections 32 --size 1024 --seconds 5
              uvio bench --facade blocking --style callback
              uvio bench --udp --size 1200
              uvio bench --host 127.0.0.1 --port 7000
            """
    )

    @Option(help: "The echo server's host, with --port.")
    var host = "127.0.0.1"

    @Option(help: "The echo server's port; without it, bench starts its own server.")
    var port: Int?

    @Option(help: ArgumentHelp("Load the echo server on this Unix domain socket instead.", valueName: "path"))
    var unix: String?

    @Flag(help: "Send UDP datagrams instead (async clients).")
    var udp = false

    @Option(help: "The clients' façade over TCP: async, poll, callback or blocking.")
    var facade: Facade = .async

    @Option(help: "The style of bench's own echo server: async, poll or callback.")
    var style: EchoStyle = .async

    @Option(help: "Concurrent connections.")
    var connections = 16

    @Option(help: "Bytes per message.")
    var size = 64

    @Option(help: "Seconds to run.")
    var seconds = 3.0

    enum Facade: String, CaseIterable, ExpressibleByArgument {
        case async, poll, callback, blocking
    }

    func validate() throws {
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must be in (0, 3600]") }
        guard connections >= 1, size >= 1 else { throw ValidationError("--connections and --size must be at least 1") }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535") }
        if udp || unix != nil, facade != .async { throw ValidationError("--udp and --unix use async clients only") }
        if udp, unix != nil { throw ValidationError("--unix and --udp cannot be combined") }
        if udp, size > 65_507 { throw ValidationError("--size must be at most 65,507 bytes for UDP") }
    }

    func run() async throws {
        let group = try EventLoopGroup(loopCount: 2, name: "uvio-bench")
        let clientLoop = group.loops[1]
        var ownServer: EchoServer?
        let driver: any LoadDriver
        do {
            if let unix {
                driver = AsyncUnixDriver(path: unix, loop: clientLoop)
            } else {
                var address: SocketAddress
                if let port {
                    address = try await resolve(host: host, port: port, on: clientLoop)
                } else {
                    let endpoint: Endpoint = udp ? .udp(.loopbackIPv4(port: 0)) : .tcp(.loopbackIPv4(port: 0))
                    let server = try await EchoServer.start(endpoint, style: style, on: group.loops[0])
                    ownServer = server
                    address = server.socketAddress!
                }
                driver = udp ? AsyncUDPDriver(server: address, loop: clientLoop) : tcpDriver(address, on: clientLoop)
            }
        } catch {
            try? await group.shutdown()
            throw fail("uvio bench: \(error)")
        }
        let target = unix ?? ownServer.map { "its own \(style) echo server on \($0.address)" } ?? "\(host):\(port!)"
        Console.say("uvio bench: \(connections) connections × \(size)-byte messages for \(seconds) s against \(target)")
        let result = await runLoad(driver, connections: connections, size: size, duration: .seconds(seconds))
        Console.finish("  done\n")
        await ownServer?.stop()
        try await group.shutdown()
        Console.say(LoadTable.render([result]))
        Console.say(
            "\nnumbers from this machine (\(ProcessInfo.processInfo.activeProcessorCount) cores, "
                + "clients\(ownServer == nil ? "" : " and server") sharing them); compare runs on one machine only")
        if !result.passed { throw ExitCode.failure }
    }

    private func tcpDriver(_ server: SocketAddress, on loop: EventLoop) -> any LoadDriver {
        switch facade {
        case .async: AsyncTCPDriver(server: server, loop: loop)
        case .poll: PollTCPDriver(server: server, loop: loop)
        case .callback: CallbackTCPDriver(server: server, loop: loop)
        case .blocking: BlockingTCPDriver(server: server, loop: loop)
        }
    }
}
