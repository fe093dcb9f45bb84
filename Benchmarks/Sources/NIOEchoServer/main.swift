import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

// SwiftNIO's echo server, the peer UVIO is compared with in the side-by-side run.
//
//   NIOEchoServer --style handler|async-channel [--proto tcp|udp] [--port 0] [--max-seconds 900]
//
// One event loop thread, as UVIO's servers have one loop. `handler` echoes in a channel handler
// (writes on read, flushes on read-complete); `async-channel` runs one task per connection over
// `NIOAsyncChannel` on the global pool, the style NIO recommends for new code. UDP is served by
// the handler style only. The first line printed is `listening on 127.0.0.1:PORT`; the server
// exits on SIGTERM, or by itself after --max-seconds.

var options = ["--style": "handler", "--proto": "tcp", "--port": "0", "--max-seconds": "900"]
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard options[flag] != nil, let value = arguments.popFirst() else {
        fatalError("usage: NIOEchoServer --style handler|async-channel [--proto tcp|udp] [--port N] [--max-seconds N]")
    }
    options[flag] = value
}
let style = options["--style"]!
let proto = options["--proto"]!
let port = Int(options["--port"]!)!
alarm(UInt32(options["--max-seconds"]!)!)
raiseDescriptorLimit()

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

/// Echoes every read back, flushing once per batch of reads.
final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Echoes every datagram to its sender.
final class DatagramEchoHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

func announce(_ channel: any Channel) {
    print("listening on 127.0.0.1:\(channel.localAddress!.port!)")
    fflush(nil)  // the runner waits for this line
}

/// Raises the soft limit on open descriptors to the hard limit, for 10,000 idle connections.
func raiseDescriptorLimit() {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// Runs the server until the process ends.
func serve() async throws {
    switch (style, proto) {
    case ("handler", "tcp"):
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        announce(channel)
        try await channel.closeFuture.get()
    case ("handler", "udp"):
        let channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramEchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        announce(channel)
        try await channel.closeFuture.get()
    case ("async-channel", "tcp"):
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        announce(server.channel)
        try await withThrowingDiscardingTaskGroup { tasks in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    tasks.addTask {
                        try? await connection.executeThenClose { inbound, outbound in
                            for try await buffer in inbound {
                                try await outbound.write(buffer)
                            }
                        }
                    }
                }
            }
        }
    default:
        fatalError("NIOEchoServer: no \(proto) server in style \(style)")
    }
}

// The main thread only waits: SIGTERM or the alarm ends the process. (A synchronous main, as in
// UVIOEchoServer, so that the server runs under valgrind; see run-instructions.sh.)
Task.detached {
    do { try await serve() } catch { fatalError("NIOEchoServer: \(error)") }
}
while true { pause() }
