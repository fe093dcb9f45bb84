import Testing
@testable import UVIO

/// Queued datagrams keep their payloads one after another in one buffer per socket
/// (`UDPCore.State.payloads`): each taken datagram must get exactly its own bytes, in order,
/// whichever way it is taken, and the buffer must not stay large once emptied.
@Suite("UDP payload buffer", .timeLimit(.minutes(2)))
struct UDPPayloadBufferTests {
    @Test func aTakenDatagramGetsOnlyItsOwnBytes() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 1)
            defer { buffer.deallocate() }

            try await a.send([UInt8](repeating: 0xAA, count: 1000), to: b.localAddress)
            #expect(try await b.receive(into: buffer).count == 1000)

            try await a.send([1, 2, 3], to: b.localAddress)
            let kept = try await b.receive()
            #expect(kept.bytes == [1, 2, 3])

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

    /// A burst waits in the queue; taken one by one, in turn copied out (a small buffer
    /// truncates) or returned as arrays, each keeps its own bounds.
    @Test func queuedDatagramsKeepTheirBoundsAndOrder() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
            defer { buffer.deallocate() }
            let sizes = [0, 1, 40, 3, 0, 2000, 16, 17]
            let payloads = sizes.enumerated().map { index, size in [UInt8](repeating: UInt8(index + 1), count: size) }
            for payload in payloads { try await a.send(payload, to: b.localAddress) }
            #expect(await eventually { b.queuedDatagramCount == payloads.count })

            for (index, payload) in payloads.enumerated() {
                if index.isMultiple(of: 2) {
                    let info = try await b.receive(into: buffer)
                    let count = min(payload.count, buffer.count)
                    #expect(info == DatagramInfo(count: count, sender: a.localAddress, isTruncated: payload.count > buffer.count))
                    #expect(Array(buffer[..<count]) == Array(payload[..<count]))
                } else {
                    #expect(try await b.receive().bytes == payload)
                }
            }
            #expect(b.core.state.withLock { $0.payloads.isEmpty })
            await a.close()
            await b.close()
        }
    }

    @Test func theBufferIsReusedForSmallDatagramsAndFreedAfterLargeOnes() async throws {
        try await withLoop { loop in
            let a = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let b = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
            defer { buffer.deallocate() }
            var capacity: Int { b.core.state.withLock { $0.payloads.capacity } }

            try await a.send([UInt8](repeating: 1, count: 64), to: b.localAddress)
            #expect(try await b.receive(into: buffer).count == 64)
            let small = capacity
            for _ in 0..<50 {
                try await a.send([UInt8](repeating: 2, count: 64), to: b.localAddress)
                #expect(try await b.receive(into: buffer).count == 64)
            }
            #expect(capacity == small)

            let large = 40 * 1024
            try await a.send([UInt8](repeating: 3, count: large), to: b.localAddress)
            #expect(await eventually { capacity >= large })
            #expect(try await b.receive(into: buffer).count == large)
            #expect(capacity <= ReceiveBuffer.retainedCapacity)
            await a.close()
            await b.close()
        }
    }
}
