import UVIO

/// `uvio cat --udp` moves to a file of its own (`UDPCat.swift`) when `UDPSocket` lands in `main`.
func relayDatagrams(host: String, port: Int, listen: Bool, input: StandardInput, output: StandardOutput,
                    on loop: EventLoop) async throws {
    throw UsageError("--udp needs UDPSocket, which is not in this build yet")
}
