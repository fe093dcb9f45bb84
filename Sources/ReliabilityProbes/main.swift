import UVIO

// ReliabilityProbes: scenarios of the reliability tests that change or measure the whole process
// (its descriptor limit, its descriptor count, its resident memory), so they run in a process of
// their own instead of inside the parallel test run. Each prints one line
// `RESULT ok key=value ...` and exits 0, or prints `FAILED reason` and exits 1.
//
//     ReliabilityProbes emfile
//     ReliabilityProbes loop-emfile
//     ReliabilityProbes descriptors [rounds]
//     ReliabilityProbes memory [rounds]
//     ReliabilityProbes echo-clients PORT COUNT SIZE
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments.dropFirst()
let rounds = arguments.dropFirst().first.flatMap { Int($0) }
do {
    switch arguments.first {
    case "emfile": try await Probes.emfile()
    case "loop-emfile": try await Probes.loopWithoutDescriptors()
    case "descriptors": try await Probes.descriptors(rounds: rounds ?? 5)
    case "memory": try await Probes.memory(rounds: rounds ?? 30)
    case "echo-clients":
        let numbers = arguments.dropFirst().compactMap { Int($0) }
        guard numbers.count == 3 else { throw Probes.Failure("echo-clients PORT COUNT SIZE") }
        try await Probes.echoClients(port: numbers[0], count: numbers[1], size: numbers[2])
    default:
        print("usage: ReliabilityProbes emfile | loop-emfile | descriptors [rounds] | memory [rounds] | echo-clients PORT COUNT SIZE")
        exit(2)
    }
} catch {
    print("FAILED \(error)")
    exit(1)
}
