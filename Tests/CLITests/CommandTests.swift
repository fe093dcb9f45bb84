import Foundation
import Testing

/// The `uvio` subcommands themselves: exit codes, the table, help and errors.
@Suite("uvio commands", .timeLimit(.minutes(2)))
struct CommandTests {
    @Test func demoDrivesEveryFacadeAndExitsZero() throws {
        let demo = try Subprocess(uvioPath, ["demo", "--seconds", "0.2", "--connections", "2", "--size", "100"])
        #expect(demo.wait() == 0, "\(demo.stdout) \(demo.stderr)")
        for row in ["TCP async", "TCP poll", "TCP callback", "TCP blocking", "UDP async", "Unix async"] {
            #expect(demo.stdout.contains(row), "no \(row) row in \(demo.stdout)")
        }
        for column in ["conns", "messages", "bytes", "msg/s", "p50", "p99"] { #expect(demo.stdout.contains(column)) }
        #expect(demo.stdout.contains("every byte came back intact"))
    }

    /// `uvio bench` against its own server, and against a `uvio echo` given by address.
    @Test func benchAgainstItsOwnServerAndAGivenOne() throws {
        let own = try Subprocess(uvioPath, ["bench", "--seconds", "0.2", "--connections", "2", "--facade", "poll"])
        #expect(own.wait() == 0, "\(own.stdout) \(own.stderr)")
        #expect(own.stdout.contains("TCP poll"))

        let (server, address) = try startEcho(["--port", "0", "--style", "callback"])
        let port = String(address.split(separator: ":").last!)
        let given = try Subprocess(
            uvioPath, ["bench", "--seconds", "0.2", "--connections", "2", "--host", "127.0.0.1", "--port", port])
        #expect(given.wait() == 0, "\(given.stdout) \(given.stderr)")
        #expect(given.stdout.contains("against 127.0.0.1:\(port)"))
        stop(server)
    }

    @Test func catReportsARefusedConnection() throws {
        // A port that was just free: bound by an echo server that has stopped.
        let (server, address) = try startEcho(["--port", "0"])
        stop(server)
        let port = String(address.split(separator: ":").last!)
        let cat = try Subprocess(uvioPath, ["cat", "127.0.0.1", port])
        #expect(cat.wait() == 1)
        #expect(cat.stderr.hasPrefix("uvio cat: "), "\(cat.stderr)")
        #expect(cat.stderr.contains("ECONNREFUSED"), "\(cat.stderr)")
    }

    @Test func echoReportsAnAddressInUse() throws {
        let (server, address) = try startEcho(["--port", "0"])
        let port = String(address.split(separator: ":").last!)
        let second = try Subprocess(uvioPath, ["echo", "--port", port])
        #expect(second.wait() == 1)
        #expect(second.stderr.contains("EADDRINUSE"), "\(second.stderr)")
        stop(server)
    }

    @Test(arguments: [
        ["cat"], ["cat", "--unix", "/tmp/x.sock", "127.0.0.1", "1"], ["echo", "--port", "70000"],
        ["echo", "--unix", "/tmp/x.sock", "--udp"], ["demo", "--seconds", "0"], ["bench", "--udp", "--facade", "poll"],
    ])
    func usageErrorsExitWith64(arguments: [String]) throws {
        let command = try Subprocess(uvioPath, arguments)
        #expect(command.wait() == 64, "\(command.stderr)")
        #expect(command.stderr.contains("Usage: uvio"), "\(command.stderr)")
    }

    @Test func helpNamesEveryCommand() throws {
        let help = try Subprocess(uvioPath, ["--help"])
        #expect(help.wait() == 0)
        for command in ["demo", "echo", "cat", "bench"] { #expect(help.stdout.contains("  \(command) ")) }
        let echo = try Subprocess(uvioPath, ["echo", "--help"])
        #expect(echo.wait() == 0)
        #expect(echo.stdout.contains("listening on"))  // the help names the first line of output
    }
}
