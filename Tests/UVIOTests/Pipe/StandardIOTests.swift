import Testing

@testable import UVIO

#if canImport(Glibc)
import Glibc
#endif

@Suite("Standard input and output", .timeLimit(.minutes(1)))
struct StandardIOTests {
    @Test func inputFromAPipe() async throws {
        try await withLoop { loop in
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            let input = try await StandardInput.open(fd: fds[0], on: loop)
            #expect(input.kind == .pipe)
            let message = pattern(200_000)
            let writer = Task.detached {
                message.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let n = Glibc.write(fds[1], bytes.baseAddress! + offset, bytes.count - offset)
                        if n <= 0 { break }
                        offset += n
                    }
                }
                close(fds[1])
            }
            #expect(try await input.readExact(10) == Array(message.prefix(10)))
            #expect(try await input.readToEnd() == Array(message.dropFirst(10)))
            await writer.value
            await input.close()
        }
    }

    @Test func inputAndOutputOnAFile() async throws {
        try await withLoop { loop in
            let path = "/tmp/uvio-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt"
            defer { unlink(path) }
            let message = pattern(150_000)
            let writeFD = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            let output = try await StandardOutput.open(fd: writeFD, on: loop)
            #expect(output.kind == .file)
            try await output.writeAll("line one\n")
            try await output.writeAll(message)
            try await output.shutdownWrite()
            close(writeFD)

            let readFD = open(path, O_RDONLY)
            defer { close(readFD) }
            let input = try await StandardInput.open(fd: readFD, on: loop)
            #expect(input.kind == .file)
            #expect(try await input.readLine() == "line one")
            #expect(try await input.readToEnd() == message)
            #expect(try await input.readToEnd().isEmpty)
        }
    }

    @Test func outputToAPipeThenEndOfStream() async throws {
        try await withLoop { loop in
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            let output = try await StandardOutput.open(fd: fds[1], on: loop)
            #expect(output.kind == .pipe)
            let message = pattern(100_000)
            let reader = Task.detached { () -> [UInt8] in
                var received = [UInt8]()
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(fds[0], &chunk, chunk.count)
                    if n <= 0 { break }
                    received += chunk[..<n]
                }
                close(fds[0])
                return received
            }
            try await output.writeAll(message)
            try await output.shutdownWrite()  // a pipe has no half-close: this waits for the bytes
            await output.close()  // closes the descriptor: the reader sees end of file
            #expect(await reader.value == message)
        }
    }

    @Test func closedDescriptorIsAnError() async throws {
        try await withLoop { loop in
            // Above any descriptor limit, so no test running in parallel can have it open.
            let error = await #expect(throws: UVError.self) { _ = try await StandardInput.open(fd: 1 << 24, on: loop) }
            #expect(error?.name == "EBADF")
        }
    }
}
