internal import CLibUV

extension SocketAddress {
    /// Looks up the addresses of a host name, for a TCP connection to `port`.
    ///
    /// The system resolver answers (`/etc/hosts`, then DNS, as the system is configured), on
    /// libuv's thread pool, so the loop keeps running meanwhile. Addresses come in the resolver's
    /// order of preference, without duplicates, IPv4 and IPv6 alike; try them in turn when you
    /// connect. A numeric address (`127.0.0.1`, `::1`, `fe80::1%eth0`) is returned as the one
    /// result at once, without the resolver.
    ///
    /// ```swift
    /// for address in try await SocketAddress.resolve(host: "localhost", port: 8080) {
    ///     print(address)  // 127.0.0.1:8080, and [::1]:8080 where /etc/hosts lists it
    /// }
    /// ```
    ///
    /// ## Cancellation
    /// Cancelling the task ends the call at once with `CancellationError`. A lookup still queued
    /// is cancelled (`uv_cancel`); one already running on the thread pool finishes there and its
    /// answer is dropped.
    ///
    /// - Parameters:
    ///   - host: the host name or numeric address.
    ///   - port: the port every result carries, 0...65535.
    ///   - loop: the loop that runs the request; `EventLoop.shared` by default.
    /// - Returns: one address or more.
    /// - Throws: `UVError.portOutOfRange`; `UVError.malformedAddress` for an empty host, or a host
    ///   with `:` that is not an IPv6 address; `UVError.unknownHost` (`UV_EAI_NONAME`) when the
    ///   name does not exist; other `UV_EAI_*` codes from the resolver, such as `UV_EAI_AGAIN` when
    ///   no DNS server answers; `UVError.loopShutDown` when the loop has shut down or shuts down
    ///   during the lookup; `CancellationError`.
    ///
    /// The corresponding libuv call is `uv_getaddrinfo`.
    public static func resolve(host: String, port: Int, on loop: EventLoop = .shared) async throws -> [SocketAddress] {
        guard (0...65535).contains(port) else {
            throw UVError.portOutOfRange.with(context: "port \(port) for \(quoted(host))")
        }
        guard !host.isEmpty else { throw malformed(host, "empty host name") }
        guard !host.contains("\0") else { throw malformed(host, "contains NUL") }
        // A host name never contains ':', so such a host is an IPv6 literal or an error.
        if host.contains(":") { return [try SocketAddress(ipAddress: host, port: port)] }
        if let address = try? SocketAddress(ipAddress: host, port: port) { return [address] }
        try Task.checkCancellation()
        return try await AddressResolution(host: host, port: port, loop: loop).run()
    }
}
