import Testing
@testable import UVIO

/// Datagrams copied out with `receive(into:)` / `pollReceive(_:into:)` give their payload arrays
/// back for the next datagrams (`UDPCore+ReceiveInto.swift`); a reused array must never leak
/// bytes of an earlier datagram, nor change a datagram that `receive()` handed out.
@Suite("UDP payload reuse", .timeLimit(.minutes(2)))
struct UDPPayloadReuseTests {
    @Test func aReusedArrayCarriesOnlyItsOwnDatagram() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 1)
            defer { buffer.deallocate() }
            var spares: Int { b.core.state.withLock { $0.spareBytes.count } }

            try await a.send([UInt8](repeating: 0xAA, count: 1000), to: b.localAddress)
            #expect(try await b.receive(into: buffer).count == 1000)
            #expect(spares == 1)

            // The next datagram arrives in that array and leaves with `receive()`.
            try await a.send([1, 2, 3], to: b.localAddress)
            let kept = try await b.receive()
            #expect(kept.bytes == [1, 2, 3])
            #expect(spares == 0)

            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            try await a.send([9], to: b.localAddress)
            let short = try await b.receive(into: buffer)
            #expect(short == DatagramInfo(count: 1, sender: a.localAddress, isTruncated: false))
            #expect(Array(buffer[..<2]) == [9, 0])
            #expect(kept.bytes == [1, 2, 3])
            await a.close()
            await b.close()
        }
    }

    @Test func sparesAreFewAndSmall() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024, alignment: 1)
            defer { buffer.deallocate() }
            var spares: Int { b.core.state.withLock { $0.spareBytes.count } }

            let burst = UDPCore.spareLimit * 2
            for index in 0..<burst { try await a.send([UInt8(index)], to: b.localAddress) }
            #expect(await eventually { b.core.state.withLock { $0.queue.count } == burst })
            for index in 0..<burst {
                let info = try await b.receive(into: buffer)
                #expect(info.count == 1 && buffer[0] == UInt8(index))
            }
            #expect(spares == UDPCore.spareLimit)

            // A large datagram takes a spare and grows it past the limit: that array is freed.
            let large = UDPCore.spareCapacityLimit + 1000
            try await a.send([UInt8](repeating: 7, count: large), to: b.localAddress)
            #expect(try await b.receive(into: buffer).count == large)
            #expect(spares == UDPCore.spareLimit - 1)
            await a.close()
            await b.close()
        }
    }
}
