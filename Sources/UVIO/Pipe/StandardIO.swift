internal import CLibUV

/// What a standard descriptor is connected to, as `uv_guess_handle` sees it.
public enum StandardIOKind: String, Sendable {
    /// A pipe or a socket: read and written through a `uv_pipe_t` (`uv_pipe_open`).
    case pipe
    /// A terminal: read and written through a `uv_tty_t` (`uv_tty_init`).
    case terminal
    /// A regular file or a character device such as `/dev/null`, which libuv cannot poll: read
    /// and written with `uv_fs_read` and `uv_fs_write` on libuv's thread pool.
    case file
}

/// How a standard descriptor is read or written: through a stream core, or through file requests.
enum StandardBackend: Sendable {
    case stream(StreamCore)
    case file(FileCore)

    /// Opens `fd` on `loop` in the way its kind allows; see `StandardIOKind`.
    static func open(fd: Int32, readable: Bool, on loop: EventLoop) async throws -> (Self, StandardIOKind) {
        let kind: StandardIOKind
        switch uv_guess_handle(fd) {
        case UV_NAMED_PIPE, UV_TCP, UV_UDP: kind = .pipe
        case UV_TTY: kind = .terminal
        case UV_FILE: kind = .file
        default: throw UVError(code: UV_EBADF.rawValue, context: "descriptor \(fd) is not open")
        }
        if kind == .file { return (.file(FileCore(loop: loop, fd: fd)), kind) }
        let size = kind == .pipe ? PipeHandle.size : uv_handle_size(UV_TTY)
        let core = StreamCore(loop: loop, size: size)
        try await core.perform { () throws -> Void in
            do {
                if kind == .pipe {
                    try UVError.check(uv_pipe_init(loop.uvLoop, PipeHandle.pipe(core), 0), "uv_pipe_init")
                    try core.didInitialize()
                    try UVError.check(uv_pipe_open(PipeHandle.pipe(core), fd), "uv_pipe_open")
                } else {
                    let tty = core.rawHandle.assumingMemoryBound(to: uv_tty_t.self)
                    try UVError.check(uv_tty_init(loop.uvLoop, tty, fd, readable ? 1 : 0), "uv_tty_init")
                    try core.didInitialize()
                }
                if readable { core.startReading() }
            } catch {
                core.close()
                throw error
            }
        }
        return (.stream(core), kind)
    }
}

/// The process's standard input as an `AsyncBufferedByteReader`, whatever it is connected to.
///
/// A pipe or socket is opened with `uv_pipe_open` and a terminal with `uv_tty_init`, both on the
/// stream core that TCP and Unix sockets use. A regular file cannot be polled (it is always
/// "ready"), so it is read with `uv_fs_read` on libuv's thread pool, 64 KiB at a time, into a
/// buffer of its own. Every helper (`readLine`, `copy(from:to:)` …) works the same on all three.
///
/// ```swift
/// let input = try await StandardInput.open()
/// while let line = try await input.readLine() { print(line.uppercased()) }
/// ```
///
/// - Important: Open it once per process, and read it from one task at a time. Opening a pipe
///   sets the descriptor non-blocking, which other users of the same pipe (a parent shell) see.
public final class StandardInput: AsyncBufferedByteReader, Sendable {
    let backend: StandardBackend
    /// What the descriptor is connected to.
    public let kind: StandardIOKind

    private init(backend: StandardBackend, kind: StandardIOKind) {
        self.backend = backend
        self.kind = kind
    }

    /// Opens descriptor 0 (or `fd`) for reading on `loop`.
    /// - Throws: libuv's `EBADF` when the descriptor is closed; `UVError.loopShutDown`.
    /// The corresponding libuv calls are `uv_guess_handle`, then `uv_pipe_open`, `uv_tty_init` or `uv_fs_read`.
    public static func open(fd: Int32 = 0, on loop: EventLoop = .shared) async throws -> StandardInput {
        let (backend, kind) = try await StandardBackend.open(fd: fd, readable: true, on: loop)
        return StandardInput(backend: backend, kind: kind)
    }

    /// See `AsyncBufferedByteReader`.
    ///
    /// ## Cancellation
    /// A cancelled wait consumes nothing. For a file, a read already handed to the thread pool
    /// still completes and its bytes stay buffered for the next call.
    public func consumeBuffered<Result>(
        _ body: (UnsafeRawBufferPointer) throws -> (consumed: Int, result: Result)
    ) async throws -> Result {
        switch backend {
        case .stream(let core): try await core.consumeBuffered(deadline: nil, body)
        case .file(let file): try await file.consumeBuffered(body)
        }
    }

    /// Stops reading and releases the handle; the descriptor is closed for a pipe or terminal.
    public func close() async {
        if case .stream(let core) = backend { await core.close() }
    }
}

/// The process's standard output as an `AsyncByteWriter`, whatever it is connected to; opened as
/// `StandardInput` describes (`uv_pipe_open`, `uv_tty_init`, or `uv_fs_write` for a file).
///
/// ```swift
/// let output = try await StandardOutput.open()
/// try await output.writeAll("hello\n")
/// ```
public final class StandardOutput: AsyncByteWriter, Sendable {
    let backend: StandardBackend
    /// What the descriptor is connected to.
    public let kind: StandardIOKind

    private init(backend: StandardBackend, kind: StandardIOKind) {
        self.backend = backend
        self.kind = kind
    }

    /// Opens descriptor 1 (or `fd`, such as 2 for standard error) for writing on `loop`.
    /// - Throws: libuv's `EBADF` when the descriptor is closed; `UVError.loopShutDown`.
    public static func open(fd: Int32 = 1, on loop: EventLoop = .shared) async throws -> StandardOutput {
        let (backend, kind) = try await StandardBackend.open(fd: fd, readable: false, on: loop)
        return StandardOutput(backend: backend, kind: kind)
    }

    /// Writes all of `bytes` and returns their count once they are written.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) async throws -> Int {
        switch backend {
        case .stream(let core): try await core.write(bytes, deadline: nil)
        case .file(let file): try await file.write(bytes)
        }
        return bytes.count
    }

    /// Waits until everything written has been handed to the kernel, then shuts down the write
    /// side of a socket (`uv_shutdown`). A pipe, terminal or file has no half-close: it ends when
    /// the process closes it, so for them this only waits for the bytes.
    public func shutdownWrite() async throws {
        guard case .stream(let core) = backend else { return }
        do {
            try await core.shutdownWrite()
        } catch let error as UVError where error == UVError(code: UV_ENOTSOCK.rawValue) {
            // `shutdown(2)` on a pipe or terminal: the queued writes were drained first.
        }
    }

    /// Releases the handle once queued bytes are written; the descriptor is closed for a pipe or
    /// terminal.
    public func close() async {
        if case .stream(let core) = backend { await core.close() }
    }
}
