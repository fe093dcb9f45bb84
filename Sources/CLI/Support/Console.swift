import Foundation

/// Console output for the commands: each line is flushed at once, so a process reading `uvio`'s
/// output through a pipe sees `listening on ...` as soon as it is true.
enum Console {
    /// Whether standard output is a terminal (progress lines then redraw in place).
    static let isTerminal = isatty(STDOUT_FILENO) == 1

    /// Prints `line` to standard output and flushes it.
    static func say(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// Prints `line` to standard error (for `uvio cat`, whose standard output carries data).
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Redraws the progress line on a terminal; elsewhere prints nothing until `finish`.
    static func progress(_ line: String) {
        guard isTerminal else { return }
        print("\r\u{1B}[2K" + line, terminator: "")
        fflush(nil)
    }

    /// Ends a progress line with its final text.
    static func finish(_ line: String) {
        if isTerminal { print("\r\u{1B}[2K", terminator: "") }
        say(line)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Human-readable numbers for the tables.
enum Format {
    /// 1234567 → "1,234,567".
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// Bytes as "812 B", "3.4 KiB", "120.5 MiB".
    static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var scaled = Double(value)
        var unit = 0
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", scaled, units[unit])
    }

    /// Nanoseconds as "38 µs" or "1.24 ms".
    static func latency(_ nanoseconds: UInt64) -> String {
        nanoseconds < 1_000_000
            ? "\(nanoseconds / 1000) µs" : String(format: "%.2f ms", Double(nanoseconds) / 1e6)
    }
}
