import UVIO
import UVIOEchoes

#if canImport(Glibc)
import Glibc
#endif

// UVIO's echo server in each façade, for the side-by-side run.
//
//   UVIOEchoServer --style async-loop|async-global|poll|callback [--proto tcp|udp] [--port 0]
//                  [--max-seconds 900]
//
// One event loop. `async-loop` runs the accept loop and one task per connection with the loop
// as their executor preference, so they run on the loop thread; `async-global` runs the same
// code on the global pool and pays a thread hop per await. Each connection reads into a 256 KiB
// buffer of its own and writes back what it read. `poll` runs hand-written futures (an accept
// loop, one echo per connection) with `FutureExecutor` on the loop; `callback` echoes from each
// connection's reading handler. UDP: one socket sends every datagram back to its sender, in each
// of the four styles. The first line printed is `listening on 127.0.0.1:PORT`;
// the server exits on SIGTERM, or by itself after --max-seconds.

var options = ["--style": "async-loop", "--proto": "tcp", "--port": "0", "--max-seconds": "900"]
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard options[flag] != nil, let value = arguments.popFirst() else {
        fatalError(
            "usage: UVIOEchoServer --style async-loop|async-global|poll|callback [--proto tcp|udp] [--port N] [--max-seconds N]"
        )
    }
    options[flag] = value
}
let style = options["--style"]!
let proto = options["--proto"]!
let port = Int(options["--port"]!)!
alarm(UInt32(options["--max-seconds"]!)!)
raiseDescriptorLimit()

let loop = EventLoop(name: "uvio-echo")

/// Raises the soft limit on open descriptors to the hard limit, for 10,000 idle connections.
func raiseDescriptorLimit() {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// Announces the port; the runner waits for this line.
func announce(_ address: SocketAddress) {
    print("listening on 127.0.0.1:\(address.port)")
    fflush(nil)
}

/// Runs the server until the process ends.
func start() async throws {
    if proto == "udp" {
        let socket = try await UDPSocket.bind(SocketAddress(parsing: "127.0.0.1:\(port)"), on: loop)
        announce(socket.localAddress)
        switch style {
        case "async-loop": try await Task(executorPreference: loop) { try await echoDatagrams(socket) }.value
        case "async-global": try await Task.detached { try await echoDatagrams(socket) }.value
        case "callback": try await echoDatagramsWithCallbacks(socket)
        case "poll": FutureExecutor.spawn(PollDatagramEcho(socket), on: loop)
        default: fatalError("UVIOEchoServer: no style \(style)")
        }
        while true { try await Task.sleep(for: .seconds(3600)) }  // keeps the socket
    }
    let listener = try await TCPListener.bind(SocketAddress(parsing: "127.0.0.1:\(port)"), backlog: 1024, on: loop)
    announce(listener.localAddress)
    switch style {
    case "async-loop": try await Task(executorPreference: loop) { try await serve(listener, onLoop: true) }.value
    case "async-global": try await Task.detached { try await serve(listener, onLoop: false) }.value
    case "poll": FutureExecutor.spawn(PollAcceptLoop(listener), on: loop)
    case "callback": serveWithCallbacks(listener)
    default: fatalError("UVIOEchoServer: no style \(style)")
    }
    while true { try await Task.sleep(for: .seconds(3600)) }  // keeps the listener
}

// The main thread only waits: SIGTERM or the alarm ends the process. (A synchronous main, not
// top-level `await`, so that the process runs under valgrind, which stops at the signal thread
// that `dispatch_main` starts.)
Task.detached {
    do { try await start() } catch { fatalError("UVIOEchoServer: \(error)") }
}
while true { pause() }
