import Synchronization
import UVIO

/// `uvio cat --udp`: each chunk of standard input (at most 65,507 bytes, UDP's limit over IPv4)
/// is one datagram; each datagram received is written to standard output.
///
/// UDP has no end of stream, so once standard input has ended the command keeps printing until
/// no datagram has arrived for `idle`. With `listen`, it binds the address, waits for the first
/// datagram, and then talks only to its sender.
func relayDatagrams(
    host: String, port: Int, listen: Bool, idle: Duration, input: StandardInput,
    output: StandardOutput, on loop: EventLoop
) async throws {
    let address = try await resolve(host: host, port: port, on: loop)
    let socket: UDPSocket
    var peer: SocketAddress?
    var first: Datagram?
    if listen {
        socket = try await UDPSocket.bind(address, on: loop)
        Console.note("listening on \(socket.localAddress)")
        let datagram = try await socket.receive()
        peer = datagram.sender
        first = datagram
    } else {
        socket = try await UDPSocket.connect(to: address, on: loop)
    }
    let inputEnded = Atomic<Bool>(false)
    let upload = Task { [peer] in
        defer { inputEnded.store(true, ordering: .releasing) }
        while true {
            let chunk = try await input.consumeBuffered { bytes in
                let count = min(bytes.count, 65_507)
                return (count, [UInt8](bytes.prefix(count)))
            }
            if chunk.isEmpty { return }
            if let peer { try await socket.send(chunk, to: peer) } else { try await socket.send(chunk) }
        }
    }
    defer { upload.cancel() }
    if let first { try await output.writeAll(first.bytes) }
    // Quiet means: standard input has ended and nothing arrived for `idle`. Receives wait in
    // slices of at most `idle`, so the end of input is noticed without a datagram.
    let clock = ContinuousClock()
    var lastActivity = clock.now
    var sawEnd = false
    while true {
        if !sawEnd, inputEnded.load(ordering: .acquiring) {
            sawEnd = true
            lastActivity = clock.now
        }
        if sawEnd, clock.now - lastActivity >= idle { break }
        guard let datagram = try await receive(from: socket, within: idle, on: loop) else { continue }
        if let peer, datagram.sender != peer { continue }
        lastActivity = clock.now
        try await output.writeAll(datagram.bytes)
    }
    try await upload.value
    await socket.close()
}
