import UVIO

// Styles whose façades are still on their way into `main`: each moves to a file of its own
// (`PollEcho.swift`, `CallbackEcho.swift`, `UDPEcho.swift`) when its façade lands.
extension EchoServer {
    static func pollTCP(_ address: SocketAddress, on loop: EventLoop) async throws -> EchoServer {
        throw UsageError("--style poll needs the poll façade, which is not in this build yet")
    }

    static func callbackTCP(_ address: SocketAddress, on loop: EventLoop) async throws -> EchoServer {
        throw UsageError("--style callback needs the callback façade, which is not in this build yet")
    }

    static func udp(_ address: SocketAddress, style: EchoStyle, on loop: EventLoop) async throws -> EchoServer {
        throw UsageError("--udp needs UDPSocket, which is not in this build yet")
    }
}
