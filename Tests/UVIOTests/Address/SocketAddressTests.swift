internal import CLibUV
import Testing
@testable import UVIO
#if canImport(Glibc)
import Glibc
#endif

@Suite("SocketAddress", .timeLimit(.minutes(1)))
struct SocketAddressTests {
    @Test func conveniences() throws {
        #expect(SocketAddress.ipv4(192, 168, 0, 1, port: 80).description == "192.168.0.1:80")
        #expect(SocketAddress.loopbackIPv4(port: 8080) == (try SocketAddress(parsing: "127.0.0.1:8080")))
        #expect(SocketAddress.loopbackIPv6(port: 0) == (try SocketAddress(parsing: "[::1]:0")))
        #expect(SocketAddress.loopbackIPv4(port: 65535).port == 65535)
        #expect(SocketAddress.loopbackIPv6(port: 1).family == .ipv6)
    }

    @Test func equalityAndHashing() throws {
        let a = try SocketAddress(parsing: "[2001:db8::1]:80")
        let b = try SocketAddress(parsing: "[2001:DB8:0::1]:80")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != (try SocketAddress(parsing: "[2001:db8::1]:81")))
        #expect(a != (try SocketAddress(parsing: "[2001:db8::2]:80")))
        #expect(a != (try SocketAddress(parsing: "[2001:db8::1%lo]:80")))
        #expect(SocketAddress.loopbackIPv4(port: 1) != .ipv4(127, 0, 0, 2, port: 1))
        #expect(SocketAddress.loopbackIPv4(port: 1) != .loopbackIPv6(port: 1))
        let set: Set<SocketAddress> = [a, b, .loopbackIPv4(port: 1), .ipv4(127, 0, 0, 1, port: 1)]
        #expect(set.count == 2)
    }

    @Test func paddingAndFlowInfoDoNotCount() throws {
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = UInt16(80).bigEndian
        v4.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        _ = withUnsafeMutableBytes(of: &v4.sin_zero) { $0.initializeMemory(as: UInt8.self, repeating: 0xAB) }
        let fromC = try #require(withUnsafePointer(to: v4) { SocketAddress(CLibUV_sockaddr($0)) })
        #expect(fromC == .loopbackIPv4(port: 80))
        #expect(fromC.hashValue == SocketAddress.loopbackIPv4(port: 80).hashValue)

        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_port = UInt16(80).bigEndian
        v6.sin6_flowinfo = 0x1234
        withUnsafeMutableBytes(of: &v6.sin6_addr) { $0[15] = 1 }
        let fromC6 = try #require(withUnsafePointer(to: v6) { SocketAddress(CLibUV_sockaddr($0)) })
        #expect(fromC6 == .loopbackIPv6(port: 80))
        #expect(fromC6.hashValue == SocketAddress.loopbackIPv6(port: 80).hashValue)
    }

    @Test(arguments: ["127.0.0.1:1", "[::1]:2", "[fe80::1%lo]:3", "[::ffff:10.0.0.1]:65535"])
    func sockAddrRoundTrip(_ text: String) throws {
        let address = try SocketAddress(parsing: text)
        let (copy, length) = address.withSockAddr { (SocketAddress($0), $1) }
        #expect(copy == address)
        let expected = address.family == .ipv4 ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size
        #expect(Int(length) == expected)
    }

    @Test func otherFamiliesAreNotAddresses() {
        var storage = sockaddr_storage()
        storage.ss_family = sa_family_t(AF_UNIX)
        #expect(withUnsafePointer(to: storage) { SocketAddress(CLibUV_sockaddr($0)) } == nil)
    }
}
