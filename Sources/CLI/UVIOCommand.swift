import ArgumentParser

/// The root of the `uvio` command: a front door to UVIO's demos and tools.
///
/// `@main` here rather than a `main.swift`: top-level `await UVIOCommand.main()` resolves to the
/// synchronous `ParsableCommand.main()`, which cannot run an async command.
@main
struct UVIOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uvio",
        abstract: "Asynchronous TCP and UDP I/O for Swift on libuv: demos and tools.",
        discussion: "Every subcommand uses only UVIO's public API.",
        subcommands: [DemoCommand.self]
    )
}
