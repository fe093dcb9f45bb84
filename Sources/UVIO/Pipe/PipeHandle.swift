internal import CLibUV

/// The libuv calls specific to `uv_pipe_t` (a Unix domain socket, or a pipe opened from a file
/// descriptor), for a core whose handle is one. Loop thread only.
enum PipeHandle {
    static var size: Int { uv_handle_size(UV_NAMED_PIPE) }

    static func pipe(_ core: HandleCore) -> UnsafeMutablePointer<uv_pipe_t> {
        core.rawHandle.assumingMemoryBound(to: uv_pipe_t.self)
    }

    /// `uv_pipe_init` without IPC (no descriptor passing).
    static func initialize(_ core: HandleCore) throws(UVError) {
        try UVError.check(uv_pipe_init(core.loop.uvLoop, pipe(core), 0), "uv_pipe_init")
        try core.didInitialize()
    }

    /// The path the socket is bound to (`uv_pipe_getsockname`); empty for a connecting client.
    static func localPath(_ core: HandleCore) -> String {
        path(core, uv_pipe_getsockname)
    }

    /// The path of the peer's socket (`uv_pipe_getpeername`); empty when unknown.
    static func peerPath(_ core: HandleCore) -> String {
        path(core, uv_pipe_getpeername)
    }

    private static func path(
        _ core: HandleCore,
        _ get: (UnsafePointer<uv_pipe_t>?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int>?) -> Int32
    ) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        var length = buffer.count
        guard get(pipe(core), &buffer, &length) == 0 else { return "" }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
