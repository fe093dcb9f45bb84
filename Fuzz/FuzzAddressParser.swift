// libFuzzer target for `SocketAddress(parsing:)` and `SocketAddress(ipAddress:port:)`.
//
// Any input must either parse, and then print in a form that parses back to the same address, or
// throw `malformedAddress` or `portOutOfRange`: never crash, hang or throw anything else.
// Built and run by `make fuzz` (see Fuzz/run.sh).
import UVIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAddressParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let address = try SocketAddress(parsing: text)
        let again = try SocketAddress(parsing: address.description)
        precondition(again == address, "\(String(reflecting: text)) printed as \(address) parsed back as \(again)")
    } catch {
        // Typed throws: `error` is a UVError.
        precondition(error == .malformedAddress || error == .portOutOfRange, "\(String(reflecting: text)): \(error)")
    }
    // The same text as a bare address, with a port taken from its length (sometimes out of range).
    do {
        let address = try SocketAddress(ipAddress: text, port: size * 1000 - 2000)
        precondition(address.port == size * 1000 - 2000)
    } catch {
        // Typed throws: `error` is a UVError.
        precondition(error == .malformedAddress || error == .portOutOfRange, "\(String(reflecting: text)): \(error)")
    }
    return 0
}
