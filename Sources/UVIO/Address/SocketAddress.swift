internal import CLibUV
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An IPv4 or IPv6 address with a port: where a socket binds, connects or sends.
///
/// A `SocketAddress` holds numbers only. Text such as `127.0.0.1:8080` or `[::1]:8080` becomes an
/// address with `init(parsing:)`; a host name such as `localhost` becomes addresses with
/// `resolve(host:port:on:)`, which asks the system resolver.
///
/// Two addresses are equal when their family, address bytes and port are equal, and for IPv6 also
/// their scope (the interface of a link-local address). An IPv4 address and its IPv4-mapped IPv6
/// form (`::ffff:127.0.0.1`) are different addresses.
///
/// ```swift
/// let server = try SocketAddress(parsing: "127.0.0.1:8080")
/// print(server.ipAddress, server.port)          // 127.0.0.1 8080
/// let any = SocketAddress.loopbackIPv6(port: 0) // [::1]:0
/// let web = try await SocketAddress.resolve(host: "localhost", port: 80)
/// ```
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family: IPv4 or IPv6.
    public enum Family: Sendable, Hashable {
        /// An IPv4 address. The corresponding C family is `AF_INET`.
        case ipv4
        /// An IPv6 address. The corresponding C family is `AF_INET6`.
        case ipv6
    }

    /// The C socket address, normalised: only family, address, port and (IPv6) scope are set, so
    /// padding and flow information never make two equal addresses differ.
    enum Storage {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    let storage: Storage

    init(_ storage: Storage) {
        self.storage = storage
    }

    /// The address family.
    public var family: Family {
        switch storage {
        case .v4: .ipv4
        case .v6: .ipv6
        }
    }

    /// The port, 0...65535, in host byte order.
    public var port: Int {
        switch storage {
        case .v4(let address): Int(UInt16(bigEndian: address.sin_port))
        case .v6(let address): Int(UInt16(bigEndian: address.sin6_port))
        }
    }

    /// The numeric address without the port, such as `127.0.0.1`, `::1` or `fe80::1%eth0`.
    ///
    /// An IPv6 address with a scope ends with `%` and the interface name, or the interface index
    /// when no interface has that index now. The corresponding libuv calls are `uv_ip4_name` and
    /// `uv_ip6_name`.
    public var ipAddress: String {
        switch storage {
        case .v4(var address):
            return Self.text(capacity: Int(INET_ADDRSTRLEN)) { uv_ip4_name(&address, $0, $1) }
        case .v6(var address):
            let text = Self.text(capacity: Int(INET6_ADDRSTRLEN)) { uv_ip6_name(&address, $0, $1) }
            guard address.sin6_scope_id != 0 else { return text }
            return text + "%" + Self.zoneName(address.sin6_scope_id)
        }
    }

    /// The address and port as `init(parsing:)` reads them: `127.0.0.1:8080` or `[::1]:8080`.
    public var description: String {
        switch storage {
        case .v4: "\(ipAddress):\(port)"
        case .v6: "[\(ipAddress)]:\(port)"
        }
    }

    /// Whether two addresses have the same family, address bytes, port and (IPv6) scope.
    public static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.v4(let a), .v4(let b)):
            return a.sin_addr.s_addr == b.sin_addr.s_addr && a.sin_port == b.sin_port
        case (.v6(let a), .v6(let b)):
            return a.sin6_port == b.sin6_port && a.sin6_scope_id == b.sin6_scope_id
                && withUnsafeBytes(of: a.sin6_addr) { x in withUnsafeBytes(of: b.sin6_addr) { x.elementsEqual($0) } }
        default:
            return false
        }
    }

    /// Hashes what `==` compares: family, address bytes, port and (IPv6) scope.
    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .v4(let address):
            hasher.combine(4 as UInt8)
            hasher.combine(address.sin_addr.s_addr)
            hasher.combine(address.sin_port)
        case .v6(let address):
            hasher.combine(6 as UInt8)
            withUnsafeBytes(of: address.sin6_addr) { hasher.combine(bytes: $0) }
            hasher.combine(address.sin6_port)
            hasher.combine(address.sin6_scope_id)
        }
    }

    /// The interface name for a scope id, or the id itself when no interface has it.
    static func zoneName(_ scope: UInt32) -> String {
        let name = text(capacity: Int(IF_NAMESIZE)) { buffer, _ in if_indextoname(scope, buffer) == nil ? -1 : 0 }
        return name.isEmpty ? String(scope) : name
    }

    /// Reads a C string that `fill` writes into a zeroed buffer; empty if `fill` fails.
    private static func text(capacity: Int, _ fill: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity + 1) { buffer in
            buffer.initialize(repeating: 0)
            guard fill(buffer.baseAddress!, capacity) == 0 else { return "" }
            return String(cString: buffer.baseAddress!)
        }
    }
}

extension SocketAddress {
    /// The IPv4 address `a.b.c.d` with `port`.
    ///
    /// ```swift
    /// let address = SocketAddress.ipv4(192, 168, 0, 1, port: 80)  // 192.168.0.1:80
    /// ```
    /// - Parameters:
    ///   - a: the first byte, written first.
    ///   - b: the second byte.
    ///   - c: the third byte.
    ///   - d: the last byte.
    ///   - port: the port.
    public static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> SocketAddress {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        let host = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
        address.sin_addr.s_addr = host.bigEndian
        return SocketAddress(.v4(address))
    }

    /// The IPv4 loopback address `127.0.0.1` with `port`.
    ///
    /// Port 0 asks the system to pick a free port when a socket binds to it.
    /// - Parameter port: the port.
    public static func loopbackIPv4(port: UInt16) -> SocketAddress {
        ipv4(127, 0, 0, 1, port: port)
    }

    /// The IPv6 loopback address `::1` with `port`.
    ///
    /// Port 0 asks the system to pick a free port when a socket binds to it.
    /// - Parameter port: the port.
    public static func loopbackIPv6(port: UInt16) -> SocketAddress {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        withUnsafeMutableBytes(of: &address.sin6_addr) { $0[15] = 1 }
        return SocketAddress(.v6(address))
    }
}
