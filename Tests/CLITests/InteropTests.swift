import Foundation
import Testing

/// A Python client that sends `count` random bytes to an echo server while reading the echo on
/// another thread, half-closes, and exits 0 only if every byte came back in order.
let pythonStreamClient = """
    import os, socket, sys, threading
    kind, where, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(where)
    else:
        host, port = where.rsplit(":", 1)
        host = host.strip("[]")
        s = socket.create_connection((host, int(port)))
    data = os.urandom(count)
    received = bytearray()
    def reader():
        while True:
            chunk = s.recv(65536)
            if not chunk: break
            received.extend(chunk)
    thread = threading.Thread(target=reader); thread.start()
    s.sendall(data); s.shutdown(socket.SHUT_WR); thread.join(); s.close()
    print("echoed", len(received), "of", count, "intact" if bytes(received) == data else "WRONG")
    sys.exit(0 if bytes(received) == data else 1)
    """

/// A Python UDP client: 300 datagrams from 1 byte to 60,001 bytes, each echoed whole and intact.
let pythonDatagramClient = """
    import os, socket, sys
    host, port = sys.argv[1].rsplit(":", 1)
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM); s.settimeout(5); s.connect((host, int(port)))
    for i in range(300):
        data = os.urandom(1 + (i * 200) % 60001)
        s.send(data)
        if s.recv(65536) != data:
            print("datagram", i, "came back WRONG"); sys.exit(1)
    print("300 datagrams intact")
    """

/// Starts `uvio echo` with `arguments` and returns it with the address of its first line.
func startEcho(_ arguments: [String]) throws -> (Subprocess, String) {
    let server = try Subprocess(uvioPath, ["echo"] + arguments)
    let line = try server.waitForLine(startingWith: "listening on ")
    return (server, String(line.dropFirst("listening on ".count)))
}

/// Stops a server with SIGINT and expects a clean exit.
func stop(_ server: Subprocess) {
    server.send(SIGINT)
    #expect(server.wait() == 0, "\(server.name) did not exit cleanly: \(server.stderr)")
}

@Suite("uvio interoperability with socat and Python", .timeLimit(.minutes(2)))
struct InteropTests {
    // Installed by .ci/run (socat) or present wherever Swift runs (python3); missing, a test fails.
    let socat = which("socat")
    let python = which("python3")

    func require(_ program: String?, _ name: String) throws -> String {
        try #require(program, "\(name) is not installed; .ci/run installs it")
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func echoAnswersSocatAndPythonOverTCP(host: String) throws {
        let (server, address) = try startEcho(["--host", host, "--port", "0"])
        #expect(address.hasPrefix(host == "::1" ? "[::1]:" : "127.0.0.1:"))
        let port = address.split(separator: ":").last.map(String.init)!
        do {
            let socat = try require(socat, "socat")
            let input = try randomFile(1 << 20, name: "socat-in")
            let echoed = temporaryPath("socat-out")
            defer { removeFiles(input, echoed) }
            let client = try Subprocess(
                socat, ["-t", "30", "-", "TCP:\(host == "::1" ? "[::1]" : host):\(port)"],
                stdinPath: input, stdoutPath: echoed)
            #expect(client.wait() == 0, "\(client.stderr)")
            #expect(checksum(echoed) == checksum(input))
        }
        do {
            let python = try require(python, "python3")
            let client = try Subprocess(python, ["-c", pythonStreamClient, "tcp", address, "\(3 << 20)"])
            #expect(client.wait() == 0, "\(client.stdout) \(client.stderr)")
        }
        stop(server)
    }

    /// The poll and callback styles answer the same peers byte for byte.
    @Test(arguments: ["poll", "callback"])
    func echoStylesAnswerSocatAndPython(style: String) throws {
        let (server, address) = try startEcho(["--port", "0", "--style", style])
        let socat = try require(socat, "socat")
        let input = try randomFile(1 << 20, name: "style-in")
        let echoed = temporaryPath("style-out")
        defer { removeFiles(input, echoed) }
        let client = try Subprocess(socat, ["-t", "30", "-", "TCP:\(address)"], stdinPath: input, stdoutPath: echoed)
        #expect(client.wait() == 0, "\(client.stderr)")
        #expect(checksum(echoed) == checksum(input))
        let python = try Subprocess(
            try require(python, "python3"), ["-c", pythonStreamClient, "tcp", address, "\(3 << 20)"])
        #expect(python.wait() == 0, "\(python.stdout) \(python.stderr)")
        stop(server)
    }

    /// `uvio echo --udp`, in each style and on IPv4 and IPv6, answers Python's datagrams and socat.
    @Test(arguments: [("async", "127.0.0.1"), ("poll", "127.0.0.1"), ("callback", "127.0.0.1"), ("async", "::1")])
    func udpEchoAnswersPythonAndSocat(style: String, host: String) throws {
        let (server, address) = try startEcho(["--udp", "--host", host, "--port", "0", "--style", style])
        let python = try Subprocess(try require(python, "python3"), ["-c", pythonDatagramClient, address])
        #expect(python.wait() == 0, "\(python.stdout) \(python.stderr)")
        let line = temporaryPath("udp-line")
        let lineOut = temporaryPath("udp-line-out")
        defer { removeFiles(line, lineOut) }
        try Data("one datagram from socat\n".utf8).write(to: URL(fileURLWithPath: line))
        let socat = try Subprocess(
            try require(socat, "socat"), ["-t", "2", "-", "UDP:\(address)"], stdinPath: line,
            stdoutPath: lineOut)
        #expect(socat.wait() == 0, "\(socat.stderr)")
        #expect(FileManager.default.contents(atPath: lineOut) == Data("one datagram from socat\n".utf8))
        stop(server)
    }

    /// `uvio cat --udp` sends standard input as a datagram to a socat UDP echo and prints the echo.
    @Test func catSendsDatagramsToASocatEcho() throws {
        let socat = try require(socat, "socat")
        let server = try Subprocess(socat, ["-d", "-d", "UDP-LISTEN:0,bind=127.0.0.1", "PIPE"])
        let port = try socatPort(server)
        let line = temporaryPath("cat-udp-in")
        let echoed = temporaryPath("cat-udp-out")
        defer { removeFiles(line, echoed) }
        try Data("hello over UDP\n".utf8).write(to: URL(fileURLWithPath: line))
        let client = try Subprocess(
            uvioPath, ["cat", "--udp", "--idle", "0.5", "127.0.0.1", port], stdinPath: line,
            stdoutPath: echoed)
        #expect(client.wait() == 0, "\(client.stderr)")
        #expect(FileManager.default.contents(atPath: echoed) == Data("hello over UDP\n".utf8))
        server.send(SIGTERM)
        server.wait()
    }

    @Test func echoAnswersSocatAndPythonOverAUnixSocket() throws {
        let path = temporaryPath("echo.sock")
        let (server, address) = try startEcho(["--unix", path])
        #expect(address == path)
        do {
            let socat = try require(socat, "socat")
            let input = try randomFile(1 << 20, name: "socat-in")
            let echoed = temporaryPath("socat-out")
            defer { removeFiles(input, echoed) }
            let client = try Subprocess(
                socat, ["-t", "30", "-", "UNIX-CONNECT:\(path)"], stdinPath: input,
                stdoutPath: echoed)
            #expect(client.wait() == 0, "\(client.stderr)")
            #expect(checksum(echoed) == checksum(input))
        }
        do {
            let python = try require(python, "python3")
            let client = try Subprocess(python, ["-c", pythonStreamClient, "unix", path, "\(3 << 20)"])
            #expect(client.wait() == 0, "\(client.stdout) \(client.stderr)")
        }
        stop(server)
        #expect(!FileManager.default.fileExists(atPath: path), "the socket file outlived the server")
    }

    /// `uvio cat` uploads 10 MiB to a socat server that stores it, and downloads 10 MiB from a
    /// socat server that sends a file: half-close carries the end of each file across.
    @Test func catMovesTenMiBToAndFromSocat() throws {
        let socat = try require(socat, "socat")
        let source = try randomFile(10 << 20, name: "10MiB")
        let stored = temporaryPath("stored")
        let fetched = temporaryPath("fetched")
        defer { removeFiles(source, stored, fetched) }

        let sink = try Subprocess(socat, ["-d", "-d", "-u", "TCP-LISTEN:0,bind=127.0.0.1", "CREATE:\(stored)"])
        let sinkPort = try socatPort(sink)
        let upload = try Subprocess(
            uvioPath, ["cat", "127.0.0.1", sinkPort], stdinPath: source,
            stdoutPath: "/dev/null")
        #expect(upload.wait() == 0, "\(upload.stderr)")
        #expect(sink.wait() == 0, "\(sink.stderr)")
        #expect(checksum(stored) == checksum(source))

        let origin = try Subprocess(socat, ["-d", "-d", "-u", "OPEN:\(source)", "TCP-LISTEN:0,bind=127.0.0.1"])
        let originPort = try socatPort(origin)
        let download = try Subprocess(uvioPath, ["cat", "127.0.0.1", originPort], stdoutPath: fetched)
        #expect(download.wait() == 0, "\(download.stderr)")
        #expect(origin.wait() == 0, "\(origin.stderr)")
        #expect(checksum(fetched) == checksum(source))
    }

    /// Both directions at once: a socat echo (`PIPE`) sends the 10 MiB back while `uvio cat` is
    /// still sending; the output is complete only if the half-close reached socat.
    @Test func catRoundTripsTenMiBThroughASocatEcho() throws {
        let socat = try require(socat, "socat")
        let source = try randomFile(10 << 20, name: "10MiB")
        let echoed = temporaryPath("echoed")
        defer { removeFiles(source, echoed) }
        let server = try Subprocess(socat, ["-d", "-d", "-t", "30", "TCP-LISTEN:0,bind=127.0.0.1", "PIPE"])
        let port = try socatPort(server)
        let client = try Subprocess(uvioPath, ["cat", "127.0.0.1", port], stdinPath: source, stdoutPath: echoed)
        #expect(client.wait() == 0, "\(client.stderr)")
        #expect(server.wait() == 0, "\(server.stderr)")
        #expect(checksum(echoed) == checksum(source))
    }

    /// The same with standard input and output as pipes (`uv_pipe_open`) instead of files.
    @Test func catRoundTripsThroughPipesOnBothSides() throws {
        let socat = try require(socat, "socat")
        let source = try randomFile(4 << 20, name: "4MiB")
        let echoed = temporaryPath("piped")
        defer { removeFiles(source, echoed) }
        let server = try Subprocess(socat, ["-d", "-d", "-t", "30", "TCP-LISTEN:0,bind=127.0.0.1", "PIPE"])
        let port = try socatPort(server)
        let pipeline = #"cat "$1" | "$2" cat 127.0.0.1 "$3" | cat > "$4""#
        let shell = try Subprocess("/bin/sh", ["-c", pipeline, "sh", source, uvioPath, port, echoed])
        #expect(shell.wait() == 0, "\(shell.stderr)")
        #expect(server.wait() == 0, "\(server.stderr)")
        #expect(checksum(echoed) == checksum(source))
    }

    /// `uvio cat --listen` accepts one connection from socat, over TCP and a Unix socket.
    @Test(arguments: [false, true])
    func catListenAcceptsSocat(unix: Bool) throws {
        let socat = try require(socat, "socat")
        let source = try randomFile(2 << 20, name: "listen-in")
        let received = temporaryPath("listen-out")
        let path = temporaryPath("cat.sock")
        defer { removeFiles(source, received) }
        let listener = try Subprocess(
            uvioPath, unix ? ["cat", "--listen", "--unix", path] : ["cat", "--listen", "127.0.0.1", "0"],
            stdoutPath: received)
        let line = try listener.waitForLine(startingWith: "listening on ", onStandardError: true)
        let address = String(line.dropFirst("listening on ".count))
        let target = unix ? "UNIX-CONNECT:\(address)" : "TCP:\(address)"
        let sender = try Subprocess(socat, ["-u", "OPEN:\(source)", target])
        #expect(sender.wait() == 0, "\(sender.stderr)")
        #expect(listener.wait() == 0, "\(listener.stderr)")
        #expect(checksum(received) == checksum(source))
    }

    @Test func echoStopsCleanlyOnSIGTERM() throws {
        let (server, _) = try startEcho(["--port", "0"])
        server.send(SIGTERM)
        #expect(server.wait() == 0)
        #expect(server.stderr.contains("stopping on signal 15"))
    }
}

func removeFiles(_ paths: String...) {
    for path in paths { try? FileManager.default.removeItem(atPath: path) }
}

/// The port a `socat -d -d ... TCP-LISTEN:0` reports on standard error once it listens.
func socatPort(_ socat: Subprocess) throws -> String {
    let line = try socat.waitForLine(startingWith: "listening on", onStandardError: true)
    guard let port = line.split(separator: ":").last else { throw Failure("no port in \(line)") }
    return String(port)
}
