internal import CLibUV
#if canImport(Glibc)
import Glibc
#endif

// Socket options. Each runs on the loop thread, where libuv keeps the handle's flags.
extension TCPStream {
    /// Enables or disables `TCP_NODELAY`: with it on, small writes leave at once instead of
    /// waiting to be coalesced (Nagle's algorithm). The corresponding libuv call is `uv_tcp_nodelay`.
    /// - Throws: `UVError.closed` after close; libuv's error.
    public func setNoDelay(_ enabled: Bool) async throws {
        try await core.perform { [core] () throws -> Void in
            try Self.checkOpen(core)
            try UVError.check(uv_tcp_nodelay(TCPHandle.tcp(core), enabled ? 1 : 0), "uv_tcp_nodelay")
        }
    }

    /// Enables or disables TCP keep-alive probes, which detect a peer that vanished without
    /// closing. The corresponding libuv call is `uv_tcp_keepalive`.
    /// - Parameters:
    ///   - enabled: whether to send probes.
    ///   - delay: idle time before the first probe, at least one second (whole seconds).
    /// - Throws: `UVError.invalidArgument` for a delay under one second; `UVError.closed`.
    public func setKeepAlive(_ enabled: Bool, delay: Duration = .seconds(60)) async throws {
        let seconds = delay.components.seconds
        guard !enabled || (seconds >= 1 && seconds <= Int64(UInt32.max)) else {
            throw UVError.invalidArgument.with(context: "keep-alive delay \(delay) must be at least 1 second")
        }
        try await core.perform { [core] () throws -> Void in
            try Self.checkOpen(core)
            try UVError.check(uv_tcp_keepalive(TCPHandle.tcp(core), enabled ? 1 : 0, UInt32(max(seconds, 1))),
                              "uv_tcp_keepalive")
        }
    }

    /// Reads a socket option as an integer, for tests and diagnostics.
    func socketOption(level: Int32, name: Int32) async throws -> Int32 {
        try await core.perform { [core] () throws -> Int32 in
            try Self.checkOpen(core)
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            let fd = try TCPHandle.descriptor(core)
            guard getsockopt(fd, level, name, &value, &length) == 0 else {
                throw UVError(code: -errno, context: "getsockopt")
            }
            return value
        }
    }

    static func checkOpen(_ core: HandleCore) throws(UVError) {
        if core.isClosing { throw UVError.closed }
    }
}
