import Testing
@testable import UVIO

/// Multicast on the loopback interface only: the group is joined on 127.0.0.1, datagrams leave
/// through it with TTL 0 and come back through multicast loop. Kernels (or containers) that
/// refuse this skip the test and print why.
@Suite("UDP multicast", .timeLimit(.minutes(2)))
struct UDPMulticastTests {
    @Test func multicastOnLoopback() async throws {
        try await withLoop { loop in
            let group = "239.255.42.99"
            let receiver = try await UDPSocket.bind(try SocketAddress(ipAddress: group, port: 0), reuseAddress: true,
                                                    on: loop)
            do {
                try await receiver.joinMulticastGroup(group, interface: "127.0.0.1")
            } catch {
                print("skipped multicastOnLoopback: joining \(group) on 127.0.0.1 was refused: \(error)")
                await receiver.close()
                return
            }
            let sender = try await UDPSocket.bind(.loopbackIPv4(port: 0), on: loop)
            try await sender.setMulticastInterface("127.0.0.1")
            try await sender.setMulticastTimeToLive(0)  // never leaves the host
            try await sender.setMulticastLoop(true)
            let destination = try SocketAddress(ipAddress: group, port: receiver.localAddress.port)
            do {
                try await sender.send(Array("multicast".utf8), to: destination)
            } catch {
                print("skipped multicastOnLoopback: sending to \(destination) through lo failed: \(error)")
                await sender.close()
                await receiver.close()
                return
            }
            do {
                let datagram = try await withTimeout(.seconds(5), on: loop) { try await receiver.receive() }
                #expect(datagram.bytes == Array("multicast".utf8))
                #expect(datagram.sender == sender.localAddress)
            } catch UVError.timedOut {
                print("skipped multicastOnLoopback: the kernel did not loop the datagram back within 5 s")
            }
            try await receiver.leaveMulticastGroup(group, interface: "127.0.0.1")
            await #expect(throws: UVError.self) { try await receiver.leaveMulticastGroup(group, interface: "127.0.0.1") }
            await sender.close()
            await receiver.close()
        }
    }
}
