import Testing
@testable import UVIO
internal import CLibUV

@Suite("UVError")
struct UVErrorTests {
    @Test func libuvErrorsCarryLibuvsNameAndMessage() {
        #expect(UVError.connectionRefused.code == UV_ECONNREFUSED.rawValue)
        #expect(UVError.connectionRefused.name == "ECONNREFUSED")
        #expect(UVError.connectionRefused.message == "connection refused")
        #expect(UVError.timedOut.name == "ETIMEDOUT")
        #expect(UVError.addressInUse.name == "EADDRINUSE")
        #expect(UVError.unknownHost.name == "EAI_NONAME")
        #expect(UVError(code: UV_ECONNRESET.rawValue).description == "ECONNRESET: connection reset by peer")
    }

    @Test func uviosOwnConditionsHaveNamesOfTheirOwn() {
        let own: [UVError] = [.unexpectedEndOfStream, .writeZero, .closed, .loopShutDown, .wrongThread,
                              .malformedAddress, .portOutOfRange, .limitExceeded]
        #expect(Set(own.map(\.code)).count == own.count)
        #expect(own.allSatisfy { $0.name.hasPrefix("UVIO_") && !$0.message.isEmpty && $0.code < -5000 })
        #expect(UVError.closed.description == "UVIO_CLOSED: handle is closed")
    }

    @Test func contextIsShownButNotCompared() {
        let detailed = UVError.portOutOfRange.with(context: "port 70000")
        #expect(detailed == .portOutOfRange)
        #expect(detailed.description.hasSuffix("(port 70000)"))
        #expect(UVError(code: UVError.unexpectedEndOfStream.code, bytesTransferred: 3).bytesTransferred == 3)
    }

    @Test func detailsSurviveACopyAndAPlainErrorIsTwoWords() {
        let both = UVError(code: UVError.unexpectedEndOfStream.code, context: "read 3 of 8 bytes", bytesTransferred: 3)
        let renamed = both.with(context: "again")
        #expect(renamed.context == "again" && renamed.bytesTransferred == 3)
        #expect(both.context == "read 3 of 8 bytes" && both.bytesTransferred == 3)
        #expect(UVError.closed.context == nil && UVError.closed.bytesTransferred == nil)
        // Writes pass `UVError?` on every completion: it must stay cheap to copy.
        #expect(MemoryLayout<UVError>.size <= 16)
        #expect(MemoryLayout<UVError?>.size <= 16)
    }

    @Test func catchClausesMatchNamedConstants() {
        func fail() throws { throw UVError(code: UV_ETIMEDOUT.rawValue, context: "read") }
        var matched = ""
        do {
            try fail()
        } catch UVError.connectionRefused {
            matched = "refused"
        } catch UVError.timedOut {
            matched = "timed out"
        } catch {
            matched = "other"
        }
        #expect(matched == "timed out")
        #expect(!(UVError.timedOut ~= CancellationError()))
    }

    @Test func checkTurnsNegativeCodesIntoErrors() throws {
        #expect(try UVError.check(5) == 5)
        #expect(throws: UVError.invalidArgument) { try UVError.check(UV_EINVAL.rawValue, "bad") }
    }
}
