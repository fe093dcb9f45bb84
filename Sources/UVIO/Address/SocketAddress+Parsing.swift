internal import CLibUV
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Reading addresses from text. Only numeric addresses: a name needs the resolver, which may
// block, so `init(parsing:)` refuses names and points to `resolve(host:port:on:)`.

extension SocketAddress {
    /// Creates an address from a numeric IPv4 or IPv6 address and a port.
    ///
    /// `ipAddress` is a bare literal: `127.0.0.1`, `::1`, `::ffff:127.0.0.1`, or a link-local
    /// IPv6 address with a scope, `fe80::1%eth0` or `fe80::1%2` (interface name or index).
    /// Brackets, ports and host names are not accepted.
    ///
    /// ```swift
    /// let address = try SocketAddress(ipAddress: "::1", port: 8080)  // [::1]:8080
    /// ```
    /// - Parameters:
    ///   - ipAddress: the numeric address.
    ///   - port: the port, 0...65535.
    /// - Throws: `UVError.portOutOfRange` when `port` is outside 0...65535;
    ///   `UVError.malformedAddress` when `ipAddress` is not a numeric address or names an unknown
    ///   interface.
    ///
    /// The corresponding libuv calls are `uv_ip4_addr` and `uv_ip6_addr`.
    public init(ipAddress: String, port: Int) throws(UVError) {
        guard (0...65535).contains(port) else {
            throw UVError.portOutOfRange.with(context: "port \(port) for \(Self.quoted(ipAddress))")
        }
        guard !ipAddress.isEmpty else { throw Self.malformed(ipAddress, "empty address") }
        guard !ipAddress.contains(where: Self.isForbidden) else {
            throw Self.malformed(ipAddress, "contains whitespace or control characters")
        }
        if ipAddress.contains(":") {
            self = try Self.ipv6(ipAddress, port: Int32(port))
        } else {
            var address = sockaddr_in()
            guard uv_ip4_addr(ipAddress, Int32(port), &address) == 0 else {
                throw Self.malformed(ipAddress, "not an IPv4 address")
            }
            self.init(.v4(address))
        }
    }

    /// Creates an address from text such as `127.0.0.1:8080` or `[::1]:8080`.
    ///
    /// IPv4 is written `a.b.c.d:port`; IPv6 is written in brackets, `[address]:port`, and may
    /// carry a scope, `[fe80::1%eth0]:80`. Nothing else is accepted: no host names, no
    /// surrounding whitespace, no missing port. `description` writes this same form, so
    /// `SocketAddress(parsing: address.description)` gives `address` back.
    ///
    /// ```swift
    /// let address = try SocketAddress(parsing: "[::1]:8080")
    /// ```
    /// - Parameter text: the address and port.
    /// - Throws: `UVError.malformedAddress` when `text` is not an address and port (its context
    ///   names the input and, for a host name, says to use `resolve(host:port:on:)`);
    ///   `UVError.portOutOfRange` when the port is a number outside 0...65535.
    ///
    /// The corresponding libuv calls are `uv_ip4_addr` and `uv_ip6_addr`.
    public init(parsing text: String) throws(UVError) {
        guard !text.isEmpty else {
            throw Self.malformed(text, "empty; expected an address and port such as 127.0.0.1:80 or [::1]:80")
        }
        guard !text.contains(where: Self.isForbidden) else {
            throw Self.malformed(text, "contains whitespace or control characters")
        }
        let (host, portText, bracketed) = try Self.split(text)
        let port = try Self.port(portText, in: text)
        do throws(UVError) {
            try self.init(ipAddress: String(host), port: port)
        } catch {
            if Self.looksLikeHostName(host) {
                throw Self.malformed(text, "\(Self.quoted(host)) is a host name, not an IP address; "
                    + "resolve names with SocketAddress.resolve(host:port:on:)")
            }
            throw Self.malformed(text, error.context ?? "not an address")
        }
        guard bracketed == (family == .ipv6) else {
            throw Self.malformed(text, "only IPv6 addresses go in brackets")
        }
    }

    /// Splits `host:port` or `[host]:port`; says whether the host was in brackets.
    private static func split(_ text: String) throws(UVError) -> (Substring, Substring, Bool) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw malformed(text, "missing ']'") }
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard !rest.isEmpty else { throw malformed(text, "missing port after ']'") }
            guard rest.first == ":" else { throw malformed(text, "expected ':' and a port after ']'") }
            return (host, rest.dropFirst(), true)
        }
        guard let colon = text.lastIndex(of: ":") else { throw malformed(text, "missing ':' and port") }
        let host = text[..<colon]
        guard !host.contains(":") else {
            throw malformed(text, "an IPv6 address with a port goes in brackets, as in [::1]:80")
        }
        return (host, text[text.index(after: colon)...], false)
    }

    /// Reads a decimal port; a number outside 0...65535 (negative or too long) is out of range.
    private static func port(_ digits: Substring, in text: String) throws(UVError) -> Int {
        let negative = digits.hasPrefix("-")
        let magnitude = negative ? digits.dropFirst() : digits
        guard !magnitude.isEmpty, magnitude.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw malformed(text, digits.isEmpty ? "missing port" : "port \(quoted(digits)) is not a number")
        }
        guard !negative, let port = Int(magnitude), port <= 65535 else {
            throw UVError.portOutOfRange.with(context: "port \(digits) in \(quoted(text))")
        }
        return port
    }

    /// Parses an IPv6 literal with an optional `%zone`, which may be an interface name or index.
    ///
    /// libuv's `uv_ip6_addr` also reads zones, but it silently drops an unknown interface and a
    /// numeric index, and truncates long input; here both halves are checked.
    private static func ipv6(_ text: String, port: Int32) throws(UVError) -> SocketAddress {
        let parts = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        var address = sockaddr_in6()
        guard uv_ip6_addr(String(parts[0]), port, &address) == 0 else {
            throw malformed(text, "not an IPv6 address")
        }
        if parts.count == 2 {
            address.sin6_scope_id = try scope(parts[1], in: text)
        }
        return SocketAddress(.v6(address))
    }

    /// The interface index for a zone: a decimal index, or the name of an existing interface.
    private static func scope(_ zone: Substring, in text: String) throws(UVError) -> UInt32 {
        guard !zone.isEmpty else { throw malformed(text, "empty scope after '%'") }
        if zone.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let index = UInt32(zone) else { throw malformed(text, "scope \(zone) is out of range") }
            return index
        }
        let index = if_nametoindex(String(zone))
        guard index != 0 else { throw malformed(text, "no network interface named \(quoted(zone))") }
        return index
    }

    /// Characters no address contains, and which C would cut the text short at (NUL).
    private static func isForbidden(_ character: Character) -> Bool {
        character.isWhitespace || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// True for text made of name characters with at least one letter, such as `localhost`.
    private static func looksLikeHostName(_ host: Substring) -> Bool {
        host.contains(where: \.isLetter)
            && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
    }

    static func malformed(_ text: some StringProtocol, _ reason: String) -> UVError {
        UVError.malformedAddress.with(context: "\(quoted(text)): \(reason)")
    }

    static func quoted(_ text: some StringProtocol) -> String {
        String(reflecting: String(text))
    }
}
