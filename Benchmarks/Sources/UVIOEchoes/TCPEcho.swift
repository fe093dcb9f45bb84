import UVIO

// The TCP echo of the side-by-side servers and of the round-trip micro-benchmarks.

/// Echoes `stream` until the peer closes it: reads into a 256 KiB buffer of its own and writes
/// back what it read, with `TCP_NODELAY` on. Errors (a reset peer) end the connection quietly.
public func echo(_ stream: TCPStream) async {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    defer { buffer.deallocate() }
    do {
        try await stream.setNoDelay(true)
        while true {
            let count = try await stream.read(into: buffer)
            if count == 0 { break }
            try await stream.writeAll(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    } catch {
        // A reset peer ends the connection; nothing to report in a benchmark.
    }
    await stream.close()
}

/// Accepts connections until the listener closes, echoing each in a task of its own: a task
/// preferring the listener's loop when `onLoop`, else a task on the global pool.
public func serve(_ listener: TCPListener, onLoop: Bool) async throws {
    for try await stream in listener.connections {
        if onLoop {
            Task(executorPreference: listener.loop) { await echo(stream) }
        } else {
            Task { await echo(stream) }
        }
    }
}
