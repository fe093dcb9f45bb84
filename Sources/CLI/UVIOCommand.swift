import ArgumentParser

/// The root of the `uvio` command: UVIO's demo, and tools in the manner of netcat and socat.
///
/// `@main` here rather than a `main.swift`: top-level `await UVIOCommand.main()` resolves to the
/// synchronous `ParsableCommand.main()`, which cannot run an async command.
@main
struct UVIOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uvio",
        abstract: "Asynchronous TCP, UDP and Unix-socket I/O for Swift on libuv: a demo and tools.",
        discussion: """
            Start with `uvio demo`: echo servers on loopback driven by every façade, checked byte \
            for byte. Then `uvio echo` serves, `uvio cat` connects standard input and output to a \
            socket (like netcat), and `uvio bench` measures. Every subcommand uses only UVIO's \
            public API; `uvio help <subcommand>` shows its options.
            """,
        subcommands: [DemoCommand.self, EchoCommand.self, CatCommand.self, BenchCommand.self]
    )
}
