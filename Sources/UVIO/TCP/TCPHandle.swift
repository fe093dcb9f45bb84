internal import CLibUV

/// The libuv calls specific to `uv_tcp_t`, for a core whose handle is one. Loop thread only.
enum TCPHandle {
    static var size: Int { uv_handle_size(UV_TCP) }

    static func tcp(_ core: HandleCore) -> UnsafeMutablePointer<uv_tcp_t> {
        core.rawHandle.assumingMemoryBound(to: uv_tcp_t.self)
    }

    /// `uv_tcp_init_ex` with the address family, so the socket exists before bind or connect.
    static func initialize(_ core: HandleCore, family: SocketAddress.Family) throws(UVError) {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        try UVError.check(uv_tcp_init_ex(core.loop.uvLoop, tcp(core), UInt32(domain)), "uv_tcp_init_ex")
        try core.didInitialize()
    }

    /// Initializes a handle for `uv_accept`.
    static func initialize(_ core: HandleCore) throws(UVError) {
        try UVError.check(uv_tcp_init(core.loop.uvLoop, tcp(core)), "uv_tcp_init")
        try core.didInitialize()
    }

    static func localAddress(_ core: HandleCore) throws(UVError) -> SocketAddress {
        try address(core, uv_tcp_getsockname, "uv_tcp_getsockname")
    }

    static func peerAddress(_ core: HandleCore) throws(UVError) -> SocketAddress {
        try address(core, uv_tcp_getpeername, "uv_tcp_getpeername")
    }

    private static func address(
        _ core: HandleCore,
        _ get: (UnsafePointer<uv_tcp_t>?, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<Int32>?) -> Int32,
        _ name: String
    ) throws(UVError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { get(tcp(core), $0, &length) }
        }
        try UVError.check(result, name)
        let address = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0) }
        }
        guard let address else { throw UVError.invalidArgument.with(context: "\(name): not an IP address") }
        return address
    }

    /// The socket's descriptor, for options libuv does not wrap.
    static func descriptor(_ core: HandleCore) throws(UVError) -> Int32 {
        var fd = uv_os_fd_t()
        try UVError.check(uv_fileno(core.handle, &fd), "uv_fileno")
        return fd
    }
}
