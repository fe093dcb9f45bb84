internal import CLibUV

/// Reads and writes a descriptor that libuv cannot poll — a regular file, or a character device
/// such as `/dev/null` — with `uv_fs_read` and `uv_fs_write` on libuv's thread pool, and keeps
/// what it read in a `ReceiveBuffer` so that it can serve `consumeBuffered` like a stream core.
///
/// Reads and writes each go through one request at a time: use one reader and one writer.
final class FileCore: Sendable {
    struct State {
        var buffer = ReceiveBuffer()
        var atEnd = false
    }

    let loop: EventLoop
    let fd: Int32
    let state = LockedValue(State())
    /// Bytes asked for by one `uv_fs_read`.
    static let chunkSize = 64 * 1024

    init(loop: EventLoop, fd: Int32) {
        self.loop = loop
        self.fd = fd
    }

    /// Runs `body` on the buffered bytes, reading a chunk first when none are buffered.
    func consumeBuffered<R>(_ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: R)) async throws -> R {
        while true {
            var result: R?
            try state.withLock { state in
                if !state.buffer.isEmpty {
                    result = try state.buffer.consume(with: body)
                } else if state.atEnd {
                    result = try body(UnsafeRawBufferPointer(start: nil, count: 0)).result
                }
            }
            if let result { return result }
            try Task.checkCancellation()
            let request = FileRequest(byteCount: Self.chunkSize, isRead: true)
            let count = try await run(request)
            state.withLock { state in
                if count == 0 {
                    state.atEnd = true
                } else {
                    state.buffer.append(UnsafeRawBufferPointer(rebasing: request.buffer[..<count]))
                }
            }
        }
    }

    /// Writes all of `bytes`, one `uv_fs_write` after another until the descriptor took them.
    func write(_ bytes: UnsafeRawBufferPointer) async throws {
        let request = FileRequest(byteCount: bytes.count, isRead: false)
        if !bytes.isEmpty { request.buffer.copyMemory(from: bytes) }
        var offset = 0
        while offset < bytes.count {
            let written = try await run(request, from: offset)
            if written == 0 { throw UVError.writeZero }
            offset += written
        }
    }

    /// Runs one file-system request on the loop's thread pool over `request.buffer[offset...]`;
    /// returns libuv's count (bytes read, 0 at end of file, or bytes written).
    private func run(_ request: FileRequest, from offset: Int = 0) async throws -> Int {
        try await withThrowingHandOff { continuation in
            request.continuation = continuation
            do {
                try loop.execute { [loop, fd] in request.start(loop: loop, fd: fd, offset: offset) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// One `uv_fs_t`, its buffer and the task waiting for it. The buffer stays allocated until the
/// request object goes, so libuv's worker thread never sees freed memory.
final class FileRequest: @unchecked Sendable {
    // Safe: used by one task at a time; between `start` and the callback only libuv touches it.
    let request = UnsafeMutablePointer<uv_fs_t>.allocate(capacity: 1)
    let buffer: UnsafeMutableRawBufferPointer
    let isRead: Bool
    var continuation: HandOff<Int, any Error>?

    init(byteCount: Int, isRead: Bool) {
        buffer = .allocate(byteCount: max(byteCount, 1), alignment: 1)
        self.isRead = isRead
    }

    deinit {
        request.deallocate()
        buffer.deallocate()
    }

    /// On the loop thread: starts the request; `self` stays retained through `data` until the callback.
    func start(loop: EventLoop, fd: Int32, offset: Int) {
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
        var chunk = uv_buf_init(
            buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self),
            UInt32(buffer.count - offset))
        let callback: uv_fs_cb = { request in
            let file = Unmanaged<FileRequest>.fromOpaque(request!.pointee.data).takeRetainedValue()
            file.finish(Int(request!.pointee.result))
        }
        let result =
            isRead
            ? uv_fs_read(loop.uvLoop, request, uv_file(fd), &chunk, 1, -1, callback)
            : uv_fs_write(loop.uvLoop, request, uv_file(fd), &chunk, 1, -1, callback)
        if result < 0 {
            Unmanaged<FileRequest>.fromOpaque(request.pointee.data).release()
            finish(Int(result))
        }
    }

    private func finish(_ result: Int) {
        uv_fs_req_cleanup(request)
        let continuation = self.continuation
        self.continuation = nil
        if result < 0 {
            continuation?.resume(throwing: UVError(code: Int32(result), context: isRead ? "uv_fs_read" : "uv_fs_write"))
        } else {
            continuation?.resume(returning: result)
        }
    }
}
