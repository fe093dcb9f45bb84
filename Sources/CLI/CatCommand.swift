import ArgumentParser
import UVIO

/// `uvio cat`: standard input to a socket and the socket to standard output, like netcat.
struct CatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Copy standard input to a socket and the socket to standard output.",
        discussion: """
            When standard input ends, the write side of the connection is shut down and the \
            command keeps printing what the peer sends until the peer closes. With --listen it \
            accepts one connection instead of connecting (and prints `listening on ...` on \
            standard error). Standard input and output may be pipes, files or a terminal. Once \
            the peer has ended, input from a terminal is dropped, while a pipe or a file is still \
            sent to the end (the peer may only have half-closed), unless the peer has gone.

            With --udp each chunk of standard input is one datagram and each datagram received is \
            printed; since UDP has no end of stream, the command ends once standard input has \
            ended and nothing arrived for --idle seconds. With --listen --udp it answers the first \
            sender only.

            Examples:
              uvio cat example.com 80 < request.txt
              uvio cat --listen 127.0.0.1 0 > received.bin
              uvio cat --unix /tmp/echo.sock
              echo ping | uvio cat --udp 127.0.0.1 7000
            """
    )

    @Flag(help: "Accept one connection instead of connecting.")
    var listen = false

    @Flag(help: "Use UDP: each chunk of standard input is one datagram.")
    var udp = false

    @Option(help: "With --udp: seconds to keep printing after standard input ends and no datagram arrives.")
    var idle = 1.0

    @Option(
        help: ArgumentHelp(
            "Use the Unix domain socket at this path instead of HOST and PORT.",
            valueName: "path"))
    var unix: String?

    @Argument(help: "The host to connect to (or the address to listen on).")
    var host: String?

    @Argument(help: "The port.")
    var port: Int?

    func validate() throws {
        if unix != nil {
            guard host == nil, port == nil else { throw ValidationError("give either --unix PATH or HOST PORT") }
            guard !udp else { throw ValidationError("--unix and --udp cannot be combined") }
        } else {
            guard host != nil, let port else { throw ValidationError("missing HOST and PORT (or --unix PATH)") }
            guard (listen ? 0 : 1)...65535 ~= port else { throw ValidationError("PORT \(port) is out of range") }
            guard idle > 0 else { throw ValidationError("--idle must be positive") }
        }
    }

    func run() async throws {
        let loop = EventLoop(name: "uvio-cat")
        do {
            let input = try await StandardInput.open(on: loop)
            let output = try await StandardOutput.open(on: loop)
            if let unix {
                let stream =
                    listen ? try await acceptOne(unix, on: loop) : try await PipeStream.connect(path: unix, on: loop)
                try await relay(stream, input: input, output: output)
                await stream.close()
            } else if udp {
                try await relayDatagrams(
                    host: host!, port: port!, listen: listen, idle: .seconds(idle), input: input,
                    output: output, on: loop)
            } else {
                let address = try await resolve(host: host!, port: port!, on: loop)
                let stream =
                    listen ? try await acceptOne(address, on: loop) : try await TCPStream.connect(to: address, on: loop)
                try await relay(stream, input: input, output: output)
                await stream.close()
            }
            await input.close()
            await output.close()
        } catch {
            try? await loop.shutdown()
            throw fail("uvio cat: \(error)")
        }
        try await loop.shutdown()
    }

    private func acceptOne(_ address: SocketAddress, on loop: EventLoop) async throws -> TCPStream {
        let listener = try await TCPListener.bind(address, on: loop)
        Console.note("listening on \(listener.localAddress)")
        let stream = try await listener.accept()
        await listener.close()
        return stream
    }

    private func acceptOne(_ path: String, on loop: EventLoop) async throws -> PipeStream {
        let listener = try await PipeListener.bind(path: path, on: loop)
        Console.note("listening on \(listener.path)")
        let stream = try await listener.accept()
        await listener.close()
        return stream
    }
}

/// Copies standard input to `socket` (then shuts its write side down) while copying `socket` to
/// standard output, and returns once the peer has ended its side.
///
/// Once the peer has ended, a terminal's input is abandoned (nobody is going to type for a closed
/// connection); a pipe's or a file's is still sent, since the peer may only have half-closed. A
/// write that then fails because the peer has gone entirely ends the upload quietly.
func relay(
    _ socket: some AsyncBufferedByteReader & AsyncByteWriter & Sendable, input: StandardInput,
    output: StandardOutput
) async throws {
    let upload = Task {
        _ = try await copy(from: input, to: socket)
        try await socket.shutdownWrite()
    }
    do {
        _ = try await copy(from: socket, to: output)
        try await output.shutdownWrite()
    } catch {
        upload.cancel()
        throw error
    }
    if input.kind == .terminal { upload.cancel() }
    do {
        try await upload.value
    } catch is CancellationError {
    } catch let error as UVError where [.brokenPipe, .connectionReset, .notConnected].contains(error) {
    }
}
