import Testing
import UVIO
#if canImport(Glibc)
import Glibc
#endif

@Suite("SocketAddress parsing", .timeLimit(.minutes(1)))
struct SocketAddressParsingTests {
    /// Text that is not `address:port`; each must throw `.malformedAddress` naming the input.
    static let malformed: [String] = [
        "",
        "127.0.0.1",  // missing port
        "127.0.0.1:",
        ":80",
        "127.0.0.1:http",  // non-numeric port
        "127.0.0.1:+80",
        "127.0.0.1:-",
        "127.0.0.1:0x50",
        "[::1]",  // missing port
        "[::1]:",
        "::1:80",  // IPv6 without brackets
        "::1",
        "[::1:80",
        "::1]:80",
        "256.1.1.1:80",
        "1.2.3:80",
        "1.2.3.4.5:80",
        "01.2.3.4:80",
        "1.2.3.4%lo:80",
        "[::g]:80",
        "[1::2::3]:80",
        "[1:2:3:4:5:6:7:8:9]:80",
        "[127.0.0.1]:80",  // brackets are for IPv6
        "[]:80",
        "[fe80::1%]:80",
        "[fe80::1%no-such-interface]:80",
        "127.0.0.1:80x",  // trailing garbage
        "[::1]:80x",
        "[::1]x:80",
        "[::1]]:80",
        " 127.0.0.1:80",  // whitespace
        "127.0.0.1:80 ",
        "127.0.0.1 :80",
        "[ ::1]:80",
    ]

    /// Inputs with control characters, tested in a loop: as test arguments they would garble
    /// the test log.
    static let withControlCharacters = ["127.0.0.1\0:80", "[::1\0]:80", "127.0.0.1:\t80", "127.0.0.1:80\n"]

    @Test(arguments: malformed)
    func malformedTextThrows(_ text: String) {
        let error = #expect(throws: UVError.malformedAddress) { try SocketAddress(parsing: text) }
        #expect(error?.context?.contains(String(reflecting: text)) == true, "\(String(describing: error))")
    }

    @Test func controlCharactersAreMalformed() {
        for text in Self.withControlCharacters {
            let error = #expect(throws: UVError.malformedAddress, "\(String(reflecting: text))") {
                try SocketAddress(parsing: text)
            }
            #expect(error?.context?.contains(String(reflecting: text)) == true)
        }
    }

    @Test(arguments: ["localhost:80", "example.invalid:443", "[localhost]:80"])
    func hostNameIsNotAnAddress(_ text: String) {
        let error = #expect(throws: UVError.malformedAddress) { try SocketAddress(parsing: text) }
        #expect(error?.context?.contains("SocketAddress.resolve") == true)
        #expect(error?.context?.contains(String(reflecting: text)) == true)
    }

    @Test(arguments: [
        "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:-80", "[::1]:70000", "0.0.0.0:99999999999999999999999",
    ])
    func portOutOfRangeThrows(_ text: String) {
        let error = #expect(throws: UVError.portOutOfRange) { try SocketAddress(parsing: text) }
        #expect(error?.context?.contains(String(reflecting: text)) == true)
    }

    /// Valid text and how `description` writes it back.
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1:8080"),
        ("0.0.0.0:0", "0.0.0.0:0"),
        ("255.255.255.255:65535", "255.255.255.255:65535"),
        ("127.0.0.1:080", "127.0.0.1:80"),
        ("[::1]:8080", "[::1]:8080"),
        ("[::1]:0", "[::1]:0"),
        ("[::]:1", "[::]:1"),
        ("[::ffff:127.0.0.1]:1", "[::ffff:127.0.0.1]:1"),
        ("[2001:DB8:0:0:0:0:0:1]:443", "[2001:db8::1]:443"),
        ("[fe80::1%lo]:80", "[fe80::1%lo]:80"),
    ])
    func parsesAndWritesBack(_ text: String, _ expected: String) throws {
        let address = try SocketAddress(parsing: text)
        #expect(address.description == expected)
        #expect(try SocketAddress(parsing: address.description) == address)
    }

    @Test func partsOfParsedAddresses() throws {
        let v4 = try SocketAddress(parsing: "10.1.2.3:8080")
        #expect(v4.family == .ipv4)
        #expect(v4.ipAddress == "10.1.2.3")
        #expect(v4.port == 8080)
        let v6 = try SocketAddress(parsing: "[fe80::1%lo]:9")
        #expect(v6.family == .ipv6)
        #expect(v6.ipAddress == "fe80::1%lo")
        #expect(v6.port == 9)
        let mapped = try SocketAddress(parsing: "[::ffff:127.0.0.1]:1")
        #expect(mapped.family == .ipv6)
        #expect(mapped != SocketAddress.loopbackIPv4(port: 1))
    }

    @Test func scopeByIndexEqualsScopeByName() throws {
        let index = if_nametoindex("lo")
        try #require(index != 0)
        let byName = try SocketAddress(parsing: "[fe80::1%lo]:80")
        #expect(try SocketAddress(parsing: "[fe80::1%\(index)]:80") == byName)
        #expect(try SocketAddress(parsing: "[fe80::1%4294967295]:80").ipAddress == "fe80::1%4294967295")
        #expect(throws: UVError.malformedAddress) { try SocketAddress(parsing: "[fe80::1%4294967296]:80") }
        #expect(try SocketAddress(parsing: "[fe80::1]:80") != byName)
    }

    @Test func ipAddressInitializer() throws {
        #expect(try SocketAddress(ipAddress: "127.0.0.1", port: 1) == .loopbackIPv4(port: 1))
        #expect(try SocketAddress(ipAddress: "::1", port: 65535) == .loopbackIPv6(port: 65535))
        #expect(throws: UVError.portOutOfRange) { try SocketAddress(ipAddress: "127.0.0.1", port: 65536) }
        #expect(throws: UVError.portOutOfRange) { try SocketAddress(ipAddress: "::1", port: -1) }
        for text in ["", "localhost", "[::1]", "127.0.0.1:80", "::1 ", "1.2.3", "fe80::1%", "::1\0"] {
            #expect(throws: UVError.malformedAddress, "\(String(reflecting: text))") {
                try SocketAddress(ipAddress: text, port: 80)
            }
        }
    }
}
