import ArgumentParser
import UVIO

/// `uvio echo`: an echo server on TCP, UDP or a Unix socket, until SIGINT or SIGTERM.
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Run an echo server until SIGINT or SIGTERM.",
        discussion: """
            The first line of output names the address it listens on, such as \
            `listening on 127.0.0.1:54321`, `listening on [::1]:54321` or `listening on /tmp/echo.sock`; \
            with --port 0 the system chooses the port. TCP and Unix-socket connections get back every \
            byte they send and, after they half-close, the end of the stream; UDP datagrams go back \
            to their sender.

            Examples:
              uvio echo --port 7000
              uvio echo --udp --host ::1 --port 0
              uvio echo --unix /tmp/echo.sock
            """
    )

    @Option(help: "The address to listen on (a name is resolved).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 lets the system choose.")
    var port = 0

    @Flag(help: "Echo UDP datagrams instead of TCP connections.")
    var udp = false

    @Option(help: ArgumentHelp("Listen on a Unix domain socket at this path instead.", valueName: "path"))
    var unix: String?

    @Option(help: "The façade that serves connections: async, poll or callback.")
    var style: EchoStyle = .async

    func validate() throws {
        if unix != nil, udp { throw ValidationError("--unix and --udp cannot be combined") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        let termination = TerminationSignal()
        let loop = EventLoop(name: "uvio-echo")
        let server: EchoServer
        do {
            let endpoint: Endpoint
            if let unix {
                endpoint = .unix(unix)
            } else {
                let address = try await resolve(host: host, port: port, on: loop)
                endpoint = udp ? .udp(address) : .tcp(address)
            }
            server = try await EchoServer.start(endpoint, style: style, on: loop)
        } catch {
            try? await loop.shutdown()
            throw fail("uvio echo: \(error)")
        }
        Console.say("listening on \(server.address)")
        let signal = await termination.wait()
        Console.note("uvio echo: stopping on signal \(signal)")
        await server.stop()
        try await loop.shutdown()
    }
}

extension EchoStyle: ExpressibleByArgument {}

/// The address of `host` and `port`: parsed when `host` is a numeric address, else resolved.
func resolve(host: String, port: Int, on loop: EventLoop) async throws -> SocketAddress {
    if let address = try? SocketAddress(ipAddress: host, port: port) { return address }
    guard let address = try await SocketAddress.resolve(host: host, port: port, on: loop).first else {
        throw UVError(code: UVError.unknownHost.code, context: host)
    }
    return address
}

/// Prints `text` on standard error and returns exit code 1 to throw.
func fail(_ text: String) -> ExitCode {
    Console.note(text)
    return ExitCode.failure
}
