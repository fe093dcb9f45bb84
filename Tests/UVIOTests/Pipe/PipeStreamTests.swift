import Testing

@testable import UVIO

#if canImport(Glibc)
import Glibc
#endif

/// A socket path in the temporary directory that no other test uses.
func temporarySocketPath(_ name: String) -> String {
    "/tmp/uvio-test-\(getpid())-\(name)-\(UInt32.random(in: 0...UInt32.max)).sock"
}

func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

@Suite("Unix domain sockets", .timeLimit(.minutes(1)))
struct PipeStreamTests {
    @Test func echoWithHelpersAndHalfClose() async throws {
        try await withLoop { loop in
            let path = temporarySocketPath("echo")
            let listener = try await PipeListener.bind(path: path, on: loop)
            #expect(listener.path == path)
            #expect(fileExists(path))
            let server = Task {
                let stream = try await listener.accept()
                let copied = try await copy(from: stream, to: stream)
                try await stream.shutdownWrite()
                await stream.close()
                return copied
            }
            let client = try await PipeStream.connect(path: path, on: loop)
            #expect(client.peerPath == path)
            let message = pattern(300_000)
            try await client.writeAll("first line\r\n")
            try await client.writeAll(message)
            try await client.shutdownWrite()
            #expect(try await client.readLine() == "first line")
            #expect(try await client.peek(maxBytes: 3) == Array(message.prefix(3)))
            #expect(try await client.readExact(100) == Array(message.prefix(100)))
            #expect(try await client.readToEnd() == Array(message.dropFirst(100)))
            #expect(try await server.value == 12 + message.count)
            await client.close()
            await listener.close()
            #expect(!fileExists(path))  // libuv unlinks the socket file on close
        }
    }

    /// `PipeStream`'s own `read(into:)` and `writeAll(_:)` on raw memory.
    @Test func rawReadAndWriteAll() async throws {
        try await withLoop { loop in
            let path = temporarySocketPath("raw")
            let listener = try await PipeListener.bind(path: path, on: loop)
            async let accepted = listener.accept()
            let client = try await PipeStream.connect(path: path, on: loop)
            let server = try await accepted
            let message = pattern(200_000)
            let raw = LentBuffer(count: message.count)
            raw.bytes.copyBytes(from: message)
            try await client.writeAll(UnsafeRawBufferPointer(raw.bytes))
            try await client.shutdownWrite()
            var received: [UInt8] = []
            let chunk = LentBuffer(count: 4096)
            while true {
                let count = try await server.read(into: chunk.bytes)
                if count == 0 { break }
                received += chunk.bytes[..<count]
            }
            #expect(received == message)
            await client.close()
            await server.close()
            await listener.close()
        }
    }

    @Test func manyClientsThroughConnections() async throws {
        try await withLoop { loop in
            let path = temporarySocketPath("many")
            let listener = try await PipeListener.bind(path: path, on: loop)
            let server = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var served = 0
                    for try await stream in listener.connections {
                        group.addTask {
                            _ = try await copy(from: stream, to: stream)
                            await stream.close()
                        }
                        served += 1
                        if served == 50 { break }
                    }
                    try await group.waitForAll()
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let stream = try await PipeStream.connect(path: path, on: loop)
                        let message = pattern(1000 + index, seed: UInt8(index))
                        try await stream.writeAll(message)
                        try await stream.shutdownWrite()
                        #expect(try await stream.readToEnd() == message)
                        await stream.close()
                    }
                }
                try await group.waitForAll()
            }
            try await server.value
            await listener.close()
        }
    }

    @Test func connectWithoutListenerFails() async throws {
        try await withLoop { loop in
            let error = await #expect(throws: UVError.self) {
                _ = try await PipeStream.connect(path: temporarySocketPath("absent"), on: loop)
            }
            #expect(error?.name == "ENOENT")
        }
    }

    @Test func bindToAnExistingPathFails() async throws {
        try await withLoop { loop in
            let path = temporarySocketPath("twice")
            let listener = try await PipeListener.bind(path: path, on: loop)
            await #expect(throws: UVError.addressInUse) { _ = try await PipeListener.bind(path: path, on: loop) }
            await listener.close()
        }
    }

    /// A listener dropped without `close()` closes its handle, which removes the socket file; a
    /// dropped client closes too, so the server reads end of stream.
    @Test func droppedValuesCloseTheirHandles() async throws {
        try await withLoop { loop in
            let path = temporarySocketPath("dropped")
            var listener: PipeListener? = try await PipeListener.bind(path: path, on: loop)
            var client: PipeStream? = try await PipeStream.connect(path: path, on: loop)
            let server = try await listener!.accept()
            try await client!.writeAll("bye")
            client = nil
            #expect(try await server.read(maxBytes: 2) == Array("by".utf8))
            #expect(try await server.readToEnd() == Array("e".utf8))
            await server.close()
            listener = nil
            #expect(try await eventually(on: loop) { !fileExists(path) })
        }
    }

    @Test func closingTheListenerEndsPendingAccepts() async throws {
        try await withLoop { loop in
            let listener = try await PipeListener.bind(path: temporarySocketPath("close"), on: loop)
            let accepting = Task { try await listener.accept() }
            await listener.close()
            await #expect(throws: UVError.closed) { _ = try await accepting.value }
            var sequence = listener.connections.makeAsyncIterator()
            #expect(try await sequence.next() == nil)
        }
    }
}
