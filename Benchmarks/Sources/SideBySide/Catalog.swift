// What the side-by-side run compares: the servers, and the workloads that drive them.

/// An echo server as the runner starts it.
struct Server: Sendable {
    /// The name in the table.
    let name: String
    /// The executable in the release build folder.
    let binary: String
    /// Its arguments, before `--proto`, `--port` and `--max-seconds`.
    let arguments: [String]
    /// Whether it serves TCP, and UDP; a server that does not is listed as "not built yet".
    let tcp: Bool
    let udp: Bool

    func serves(_ proto: Workload.Proto) -> Bool { proto == .tcp ? tcp : udp }
}

/// Every server, the reference first; a server without UDP is listed as "not built yet" there.
let allServers = [
    Server(name: "c-libuv", binary: "CEchoServer", arguments: [], tcp: true, udp: true),
    Server(name: "nio-handler", binary: "NIOEchoServer", arguments: ["--style", "handler"], tcp: true, udp: true),
    Server(
        name: "nio-async-channel", binary: "NIOEchoServer", arguments: ["--style", "async-channel"], tcp: true,
        udp: false),
    Server(
        name: "uvio-async-loop", binary: "UVIOEchoServer", arguments: ["--style", "async-loop"], tcp: true,
        udp: true),
    Server(
        name: "uvio-async-global", binary: "UVIOEchoServer", arguments: ["--style", "async-global"], tcp: true,
        udp: true),
    Server(name: "uvio-poll", binary: "UVIOEchoServer", arguments: ["--style", "poll"], tcp: true, udp: true),
    Server(
        name: "uvio-callback", binary: "UVIOEchoServer", arguments: ["--style", "callback"], tcp: true,
        udp: true),
]

/// One measurement: a load generator mode, its arguments, the cores, and what to report.
struct Workload: Sendable {
    enum Proto: Sendable { case tcp, udp }

    /// How a figure is read: higher is better (rates) or lower is better (latency, CPU, memory).
    enum Direction: Sendable { case higher, lower }

    /// A figure in the table, computed from one run's results.
    struct Metric: Sendable {
        let name: String
        let direction: Direction
        /// Whether the table shows the ratio to the C reference; not for counts of rare events.
        var ratio = true
        let value: @Sendable (Measurement) -> Double?
    }

    let name: String
    let title: String
    let proto: Proto
    let serverCPU: String
    let clientCPU: String
    /// The load generator's mode and arguments, given the run's options.
    let loadArguments: @Sendable (Options) -> [String]
    let metrics: [Metric]
}

/// What the runner read during one run: the load generator's result line, the server's CPU
/// time over the measured part, and its resident memory before and after the idle connections.
struct Measurement: Sendable {
    var result: [String: Double] = [:]
    var serverCPUSeconds: Double?
    var rssBeforeKiB: Double?
    var rssAfterKiB: Double?
}

extension Workload.Metric {
    static let messageRate = Self(name: "msgs/s", direction: .higher) { $0.result["rate"] }
    static let p50 = Self(name: "p50 µs", direction: .lower) { $0.result["p50_us"] }
    static let p99 = Self(name: "p99 µs", direction: .lower) { $0.result["p99_us"] }
    static let cpuPerMessage = Self(name: "server CPU µs/msg", direction: .lower) { measurement in
        guard let cpu = measurement.serverCPUSeconds, let count = measurement.result["msgs"], count > 0 else {
            return nil
        }
        return cpu / count * 1e6
    }
    static let resent = Self(name: "resent after 200 ms", direction: .lower, ratio: false) { $0.result["lost"] }
    static let gigabytesPerSecond = Self(name: "GB/s", direction: .higher) { $0.result["gbps"] }
    static let connectionRate = Self(name: "conns/s", direction: .higher) { $0.result["rate"] }
    static let slowestConnection = Self(name: "slowest ms", direction: .lower, ratio: false) { $0.result["slowest_ms"] }
    static let rssPerConnection = Self(name: "RSS KiB/conn", direction: .lower) { measurement in
        guard let before = measurement.rssBeforeKiB, let after = measurement.rssAfterKiB,
            let count = measurement.result["conns"], count > 0
        else { return nil }
        return (after - before) / count
    }
}

let allWorkloads: [Workload] = [
    Workload(
        name: "pp1-64", title: "64-byte ping-pong, 1 connection, server and client on core 0 (per-message cost)",
        proto: .tcp, serverCPU: "0", clientCPU: "0",
        loadArguments: { ["pingpong", "--conns", "1", "--size", "64", "--seconds", "\($0.seconds)"] },
        metrics: [.messageRate, .p50, .cpuPerMessage]
    ),
    Workload(
        name: "pp100-64", title: "64-byte ping-pong, 100 connections, server on core 0, client on core 1",
        proto: .tcp, serverCPU: "0", clientCPU: "1",
        loadArguments: { ["pingpong", "--conns", "100", "--size", "64", "--seconds", "\($0.seconds)"] },
        metrics: [.messageRate, .p50, .p99, .cpuPerMessage]
    ),
    Workload(
        name: "pp100-4k", title: "4 KiB ping-pong, 100 connections, server on core 0, client on core 1",
        proto: .tcp, serverCPU: "0", clientCPU: "1",
        loadArguments: { ["pingpong", "--conns", "100", "--size", "4096", "--seconds", "\($0.seconds)"] },
        metrics: [.messageRate, .p50, .p99, .cpuPerMessage]
    ),
    Workload(
        name: "stream", title: "one connection streaming (echoed) bytes, server on core 0, client on core 1",
        proto: .tcp, serverCPU: "0", clientCPU: "1",
        loadArguments: { ["stream", "--bytes", "\($0.streamBytes)", "--seconds", "120"] },
        metrics: [.gigabytesPerSecond]
    ),
    Workload(
        name: "udp10", title: "64-byte UDP datagram ping-pong, 10 sockets, server on core 0, client on core 1",
        proto: .udp, serverCPU: "0", clientCPU: "1",
        loadArguments: { ["udp", "--conns", "10", "--size", "64", "--seconds", "\($0.seconds)"] },
        metrics: [.messageRate, .p50, .p99, .cpuPerMessage, .resent]
    ),
    Workload(
        name: "udp100", title: "64-byte UDP datagram ping-pong, 100 sockets, server on core 0, client on core 1",
        proto: .udp, serverCPU: "0", clientCPU: "1",
        loadArguments: { ["udp", "--conns", "100", "--size", "64", "--seconds", "\($0.seconds)"] },
        metrics: [.messageRate, .p50, .p99, .cpuPerMessage, .resent]
    ),
    Workload(
        name: "accept", title: "connections accepted per second (connect, 1 byte echoed, reset), cores 0 and 1",
        proto: .tcp, serverCPU: "0", clientCPU: "1",
        loadArguments: { ["accept", "--seconds", "\($0.seconds)"] },
        metrics: [.connectionRate, .slowestConnection]
    ),
    Workload(
        name: "idle", title: "resident memory per idle connection (each echoed 1 byte), cores 0 and 1",
        proto: .tcp, serverCPU: "0", clientCPU: "1",
        loadArguments: { ["idle", "--conns", "\($0.idleConnections)", "--seconds", "120"] },
        metrics: [.rssPerConnection]
    ),
]
