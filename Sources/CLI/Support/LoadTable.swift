/// The table `uvio demo` and `uvio bench` print: one row per run.
enum LoadTable {
    static let header = ["", "conns", "messages", "bytes", "msg/s", "p50", "p99", "check"]

    static func cells(_ result: LoadResult) -> [String] {
        let rate = Double(result.messages) / max(result.elapsed.seconds, 1e-9)
        let check: String
        if result.passed {
            check = "ok"
        } else if result.mismatches > 0 {
            check = "\(result.mismatches) WRONG"
        } else if result.failures > 0 {
            check = "\(result.failures) FAILED"
        } else {
            check = "NO DATA"
        }
        return [
            result.name, Format.count(result.connections), Format.count(result.messages),
            Format.bytes(result.bytes), Format.count(Int(rate)), Format.latency(result.p50),
            Format.latency(result.p99), check,
        ]
    }

    /// The rows, right-aligned under their headers (the name column left-aligned).
    static func render(_ results: [LoadResult]) -> String {
        let rows = [header] + results.map(cells)
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        var lines = ["  " + line(rows[0]), "  " + String(repeating: "-", count: line(rows[0]).count)]
        lines += rows.dropFirst().map { "  " + line($0) }
        for result in results where !result.passed {
            if let error = result.firstError { lines.append("  \(result.name): \(error)") }
        }
        return lines.joined(separator: "\n")
    }
}
