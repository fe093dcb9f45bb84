import Foundation

#if canImport(Glibc)
import Glibc
#endif

// The side-by-side run: each echo server in turn on 127.0.0.1, driven by one load generator
// (CLoadGen), with figures and ratios to the C reference measured in the same repetition.
//
//   SideBySide [--repetitions 5] [--seconds 2] [--stream-bytes 1073741824] [--idle-connections 10000]
//              [--workloads pp1-64,pp100-64,...] [--servers c-libuv,uvio-async-loop,...] [--bin DIR]
//
// It builds nothing: it runs the binaries of the package's release build folder (by default the
// folder it runs from). Within a repetition, the servers take turns in an order rotated by one
// each repetition; each run starts a fresh server, waits for its `listening on` line, runs the
// load generator pinned with `taskset`, reads the server's CPU time and memory from /proc and
// stops it with SIGTERM.

struct Options: Sendable {
    var repetitions = 5
    var seconds = 2.0
    var streamBytes = 1 << 30
    var idleConnections = 10_000
    var workloads = allWorkloads.map(\.name)
    var servers = allServers.map(\.name)
    var binaries = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path

    init(_ arguments: [String]) {
        var arguments = arguments[...]
        while let flag = arguments.popFirst() {
            guard let value = arguments.popFirst() else { Self.usage() }
            switch flag {
            case "--repetitions": repetitions = Self.parse(value)
            case "--seconds": seconds = Self.parse(value)
            case "--stream-bytes": streamBytes = Self.parse(value)
            case "--idle-connections": idleConnections = Self.parse(value)
            case "--workloads": workloads = value.split(separator: ",").map(String.init)
            case "--servers": servers = value.split(separator: ",").map(String.init)
            case "--bin": binaries = value
            default: Self.usage()
            }
        }
        guard repetitions >= 1, seconds > 0 else { Self.usage() }
    }

    static func parse<Number: LosslessStringConvertible>(_ text: String) -> Number {
        guard let number = Number(text) else { usage() }
        return number
    }

    static func usage() -> Never {
        let text = """
            usage: SideBySide [--repetitions N] [--seconds S] [--stream-bytes B] [--idle-connections N]
                              [--workloads \(allWorkloads.map(\.name).joined(separator: ","))]
                              [--servers \(allServers.map(\.name).joined(separator: ","))] [--bin DIR]

            """
        FileHandle.standardError.write(Data(text.utf8))
        exit(2)
    }
}

func log(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

struct RunError: Error, CustomStringConvertible {
    let description: String
}

/// Runs `workload` against a fresh `server` once.
func measure(_ workload: Workload, _ server: Server, options: Options) throws -> Measurement {
    let proto = workload.proto == .tcp ? "tcp" : "udp"
    let child = try Spawned(
        "\(options.binaries)/\(server.binary)",
        server.arguments + ["--proto", proto, "--port", "0", "--max-seconds", "600"],
        cpus: workload.serverCPU
    )
    defer { child.terminate() }
    guard let line = child.readLine(timeout: .seconds(30)), line.hasPrefix("listening on 127.0.0.1:"),
        let port = line.split(separator: ":").last.flatMap({ Int($0) })
    else { throw RunError(description: "\(server.name) did not say where it listens") }

    var measurement = Measurement()
    measurement.rssBeforeKiB = child.residentKiB()
    let load = try Spawned(
        "\(options.binaries)/CLoadGen", workload.loadArguments(options) + ["--port", "\(port)"],
        cpus: workload.clientCPU
    )
    defer { load.terminate() }
    var cpuAtStart: Double?
    while let line = load.readLine(timeout: .seconds(300)) {
        if line == "start" {
            cpuAtStart = child.cpuSeconds()
        } else if line.hasPrefix("ready") {
            measurement.rssAfterKiB = child.residentKiB()
            load.closeInput()
        } else if line.hasPrefix("result") {
            if let start = cpuAtStart, let end = child.cpuSeconds() { measurement.serverCPUSeconds = end - start }
            for pair in line.split(separator: " ").dropFirst() {
                let parts = pair.split(separator: "=")
                if parts.count == 2, let value = Double(parts[1]) { measurement.result[String(parts[0])] = value }
            }
            return measurement
        }
    }
    throw RunError(description: "the load generator gave no result against \(server.name)")
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func format(_ value: Double) -> String {
    switch abs(value) {
    case 1000...: return String(format: "%.0f", value)
    case 100...: return String(format: "%.1f", value)
    case 1...: return String(format: "%.2f", value)
    default: return String(format: "%.3f", value)
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let workloads = options.workloads.map { name in
    allWorkloads.first { $0.name == name }
        ?? {
            log("unknown workload \(name)")
            Options.usage()
        }()
}
let servers = options.servers.map { name in
    allServers.first { $0.name == name }
        ?? {
            log("unknown server \(name)")
            Options.usage()
        }()
}
guard let reference = servers.first(where: { $0.name == "c-libuv" }) else {
    log("the C reference (c-libuv) must be among the servers")
    exit(2)
}
let started = Date()

// results[workload][server][repetition]
var results: [String: [String: [Measurement?]]] = [:]
var failures: [String] = []
for workload in workloads {
    let turn = servers.filter { $0.serves(workload.proto) }
    for repetition in 0..<options.repetitions {
        let shift = repetition % turn.count
        for server in turn[shift...] + turn[..<shift] {
            log("[\(workload.name) \(repetition + 1)/\(options.repetitions)] \(server.name)")
            var measurement: Measurement?
            do {
                measurement = try measure(workload, server, options: options)
            } catch {
                failures.append("\(workload.name) \(repetition + 1) \(server.name): \(error)")
                log("  failed: \(error)")
            }
            results[workload.name, default: [:]][server.name, default: []].append(measurement)
        }
    }
}

// The table: per workload, a row per server and per figure the median over the repetitions, the
// median of the ratios to the C reference of the same repetition, and their spread (min–max).
let dateFormatter = DateFormatter()
dateFormatter.dateFormat = "yyyy-MM-dd HH:mm"
dateFormatter.timeZone = TimeZone(identifier: "UTC")
print(
    """
    Side-by-side run of \(dateFormatter.string(from: started)) UTC on \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores: \
    \(options.repetitions) repetitions, \(format(options.seconds)) s per ping-pong, \
    \(options.streamBytes >> 20) MiB streamed, \(options.idleConnections) idle connections.
    Cells: median over the repetitions (× C: median of the ratio to c-libuv in the same repetition, \
    [min–max of that ratio]). ↑ higher is better, ↓ lower is better.

    """)
for workload in workloads {
    print("\(workload.name): \(workload.title)\n")
    let header = ["server"] + workload.metrics.map { "\($0.name) \($0.direction == .higher ? "↑" : "↓")" }
    print("| " + header.joined(separator: " | ") + " |")
    print("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
    let referenceRuns = results[workload.name]?[reference.name] ?? []
    for server in servers {
        guard server.serves(workload.proto) else {
            print("| \(server.name) | " + workload.metrics.map { _ in "not built yet" }.joined(separator: " | ") + " |")
            continue
        }
        let runs = results[workload.name]?[server.name] ?? []
        let cells = workload.metrics.map { metric -> String in
            let values = runs.compactMap { $0.flatMap(metric.value) }
            guard !values.isEmpty else { return "failed" }
            var cell = format(median(values))
            guard server.name != reference.name, metric.ratio else { return cell }
            let ratios = zip(runs, referenceRuns).compactMap { run, ref -> Double? in
                guard let value = run.flatMap(metric.value), let base = ref.flatMap(metric.value), base != 0 else {
                    return nil
                }
                return value / base
            }
            if !ratios.isEmpty {
                cell += " (\(format(median(ratios)))× [\(format(ratios.min()!))–\(format(ratios.max()!))])"
            }
            return cell
        }
        print("| \(server.name) | " + cells.joined(separator: " | ") + " |")
    }
    print("")
}
if !failures.isEmpty {
    print("Failed runs:")
    for failure in failures { print("- \(failure)") }
}
log("done in \(Int(Date().timeIntervalSince(started))) s")
