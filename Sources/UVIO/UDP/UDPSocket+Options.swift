internal import CLibUV

// Socket options. Each runs on the loop thread, where libuv keeps the handle.
extension UDPSocket {
    /// Allows or forbids sending to broadcast addresses (`SO_BROADCAST`).
    /// The corresponding libuv call is `uv_udp_set_broadcast`.
    /// - Throws: `UVError.closed`; libuv's error.
    public func setBroadcast(_ enabled: Bool) async throws {
        try await withHandle("uv_udp_set_broadcast") { uv_udp_set_broadcast($0, enabled ? 1 : 0) }
    }

    /// Sets the time to live of unicast datagrams (`IP_TTL`, `IPV6_UNICAST_HOPS`), 1...255.
    /// The corresponding libuv call is `uv_udp_set_ttl`.
    /// - Throws: `UVError.invalidArgument` outside 1...255; `UVError.closed`.
    public func setTimeToLive(_ ttl: Int) async throws {
        let value = try Self.checkTTL(ttl, allowZero: false)
        try await withHandle("uv_udp_set_ttl") { uv_udp_set_ttl($0, value) }
    }

    /// Joins the multicast group `group` (such as `"239.255.0.1"` or `"ff02::1"`) on the
    /// interface with address `interface` (nil lets the system choose).
    /// The corresponding libuv call is `uv_udp_set_membership` with `UV_JOIN_GROUP`.
    /// - Throws: `UVError.invalidArgument` for an address that is not multicast or malformed;
    ///   the kernel's refusal (such as `UV_ENODEV` without a multicast route); `UVError.closed`.
    public func joinMulticastGroup(_ group: String, interface: String? = nil) async throws {
        try await setMembership(group, interface, UV_JOIN_GROUP)
    }

    /// Leaves the multicast group `group` joined on `interface`.
    /// The corresponding libuv call is `uv_udp_set_membership` with `UV_LEAVE_GROUP`.
    /// - Throws: as `joinMulticastGroup(_:interface:)`; `UV_EADDRNOTAVAIL` when not a member.
    public func leaveMulticastGroup(_ group: String, interface: String? = nil) async throws {
        try await setMembership(group, interface, UV_LEAVE_GROUP)
    }

    private func setMembership(_ group: String, _ interface: String?, _ membership: uv_membership) async throws {
        try await withHandle("uv_udp_set_membership \(group)") { udp in
            group.withCString { group in
                guard let interface else { return uv_udp_set_membership(udp, group, nil, membership) }
                return interface.withCString { uv_udp_set_membership(udp, group, $0, membership) }
            }
        }
    }

    /// Whether multicast datagrams this socket sends are looped back to local receivers
    /// (`IP_MULTICAST_LOOP`); on by default. The corresponding libuv call is
    /// `uv_udp_set_multicast_loop`.
    /// - Throws: `UVError.closed`; libuv's error.
    public func setMulticastLoop(_ enabled: Bool) async throws {
        try await withHandle("uv_udp_set_multicast_loop") { uv_udp_set_multicast_loop($0, enabled ? 1 : 0) }
    }

    /// Sets the time to live of multicast datagrams (`IP_MULTICAST_TTL`), 0...255; 1 (the
    /// default) keeps them on the local network. The corresponding libuv call is
    /// `uv_udp_set_multicast_ttl`.
    /// - Throws: `UVError.invalidArgument` outside 0...255; `UVError.closed`.
    public func setMulticastTimeToLive(_ ttl: Int) async throws {
        let value = try Self.checkTTL(ttl, allowZero: true)
        try await withHandle("uv_udp_set_multicast_ttl") { uv_udp_set_multicast_ttl($0, value) }
    }

    /// Chooses the interface, by its address, that multicast datagrams leave through (nil
    /// restores the system's choice). The corresponding libuv call is
    /// `uv_udp_set_multicast_interface`.
    /// - Throws: `UVError.invalidArgument` for a malformed address; `UVError.closed`.
    public func setMulticastInterface(_ interface: String?) async throws {
        try await withHandle("uv_udp_set_multicast_interface") { udp in
            guard let interface else { return uv_udp_set_multicast_interface(udp, nil) }
            return interface.withCString { uv_udp_set_multicast_interface(udp, $0) }
        }
    }

    /// The kernel's receive buffer size in bytes (`SO_RCVBUF`; Linux reports double what was
    /// set). The corresponding libuv call is `uv_recv_buffer_size`.
    /// - Throws: `UVError.closed`.
    public func receiveBufferSize() async throws -> Int {
        try await bufferSize(0, uv_recv_buffer_size, "uv_recv_buffer_size")
    }

    /// Requests a kernel receive buffer of `bytes` (`SO_RCVBUF`), capped by `net.core.rmem_max`.
    /// The corresponding libuv call is `uv_recv_buffer_size`.
    /// - Throws: `UVError.limitExceeded` outside 1...Int32.max; `UVError.closed`.
    public func setReceiveBufferSize(_ bytes: Int) async throws {
        _ = try await bufferSize(try Self.checkSize(bytes), uv_recv_buffer_size, "uv_recv_buffer_size")
    }

    /// The kernel's send buffer size in bytes (`SO_SNDBUF`; Linux reports double what was set).
    /// The corresponding libuv call is `uv_send_buffer_size`.
    /// - Throws: `UVError.closed`.
    public func sendBufferSize() async throws -> Int {
        try await bufferSize(0, uv_send_buffer_size, "uv_send_buffer_size")
    }

    /// Requests a kernel send buffer of `bytes` (`SO_SNDBUF`), capped by `net.core.wmem_max`.
    /// The corresponding libuv call is `uv_send_buffer_size`.
    /// - Throws: `UVError.limitExceeded` outside 1...Int32.max; `UVError.closed`.
    public func setSendBufferSize(_ bytes: Int) async throws {
        _ = try await bufferSize(try Self.checkSize(bytes), uv_send_buffer_size, "uv_send_buffer_size")
    }

    /// Whether the socket receives with `recvmmsg` (see `Configuration.batchedReceive`).
    /// The corresponding libuv call is `uv_udp_using_recvmmsg`.
    /// - Throws: `UVError.closed`.
    public func isUsingBatchedReceive() async throws -> Bool {
        try await core.perform { [core] () throws -> Bool in
            if core.isClosing { throw UVError.closed }
            return uv_udp_using_recvmmsg(core.udp) != 0
        }
    }

    // MARK: Helpers

    private func withHandle(_ name: String, _ body: @escaping @Sendable (UnsafeMutablePointer<uv_udp_t>) -> Int32)
        async throws
    {
        try await core.perform { [core] () throws -> Void in
            if core.isClosing { throw UVError.closed }
            try UVError.check(body(core.udp), name)
        }
    }

    private func bufferSize(
        _ value: Int32, _ call: @escaping @Sendable (UnsafeMutablePointer<uv_handle_t>?, UnsafeMutablePointer<Int32>?) -> Int32,
        _ name: String
    ) async throws -> Int {
        try await core.perform { [core] () throws -> Int in
            if core.isClosing { throw UVError.closed }
            var value = value
            try UVError.check(call(core.handle, &value), name)
            return Int(value)
        }
    }

    private static func checkTTL(_ ttl: Int, allowZero: Bool) throws(UVError) -> Int32 {
        guard (allowZero ? 0 : 1)...255 ~= ttl else {
            throw UVError.invalidArgument.with(context: "TTL \(ttl) is not in \(allowZero ? 0 : 1)...255")
        }
        return Int32(ttl)
    }

    private static func checkSize(_ bytes: Int) throws(UVError) -> Int32 {
        guard bytes >= 1, bytes <= Int(Int32.max) else {
            throw UVError.limitExceeded.with(context: "buffer size \(bytes) is not in 1...\(Int32.max)")
        }
        return Int32(bytes)
    }
}
