internal import CLibUV
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// The bridge to C's `struct sockaddr`, for the handles: bind, connect, send take a pointer and a
// length; getsockname, getpeername and receive hand one back.

extension SocketAddress {
    /// Calls `body` with a pointer to this address as a C `sockaddr` and its length.
    ///
    /// The pointer is valid only during `body`.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        switch storage {
        case .v4(let address):
            return try withUnsafePointer(to: address) { pointer in
                try body(CLibUV_sockaddr(pointer), socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        case .v6(let address):
            return try withUnsafePointer(to: address) { pointer in
                try body(CLibUV_sockaddr(pointer), socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    }

    /// Copies a C socket address of family `AF_INET` or `AF_INET6`; nil for any other family.
    ///
    /// `address` must point to at least a whole `sockaddr_in` or `sockaddr_in6` for its family,
    /// as a `sockaddr_storage` filled by getsockname or a libuv receive callback does. Only the
    /// family, address, port and IPv6 scope are kept: padding and IPv6 flow information are not.
    init?(_ address: UnsafePointer<sockaddr>) {
        let raw = UnsafeRawPointer(address)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let source = raw.loadUnaligned(as: sockaddr_in.self)
            var copy = sockaddr_in()
            copy.sin_family = sa_family_t(AF_INET)
            copy.sin_port = source.sin_port
            copy.sin_addr = source.sin_addr
            self.init(.v4(copy))
        case AF_INET6:
            let source = raw.loadUnaligned(as: sockaddr_in6.self)
            var copy = sockaddr_in6()
            copy.sin6_family = sa_family_t(AF_INET6)
            copy.sin6_port = source.sin6_port
            copy.sin6_addr = source.sin6_addr
            copy.sin6_scope_id = source.sin6_scope_id
            self.init(.v6(copy))
        default:
            return nil
        }
    }
}
