#if canImport(Glibc)
import Glibc
#endif
@testable import UVIO

/// A listening socket on 127.0.0.1 (port 0) outside UVIO, for peers that UVIO must not drive.
///
/// With a backlog of 0 and no `accept()`, one connection fills the kernel's accept queue and
/// further SYNs are dropped, so connects hang until they time out. A connection taken with
/// `accept()` reads nothing until the test calls `recv`.
struct RawLoopbackListener: ~Copyable {
    let fd: Int32
    let port: Int

    init(backlog: Int32) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw UVError(code: -errno, context: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddr in
                Glibc.bind(fd, sockaddr, length) == 0 && listen(fd, backlog) == 0 && getsockname(fd, sockaddr, &length) == 0
            }
        }
        guard bound else {
            let error = UVError(code: -errno, context: "bind/listen")
            close(fd)
            throw error
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// The next connection (blocks until one is queued: call it after connecting).
    func accept() throws -> Int32 {
        let connection = Glibc.accept(fd, nil, nil)
        guard connection >= 0 else { throw UVError(code: -errno, context: "accept") }
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)  // no child process of another test inherits it
        return connection
    }

    deinit { close(fd) }
}
