// ReliabilityProbes: scenarios of the reliability tests that change or measure the whole process
// (its descriptor limit, its descriptor count, its resident memory), so they run in a process of
// their own instead of inside the parallel test run. Each prints one line
// `RESULT ok key=value ...` and exits 0, or prints `FAILED reason` and exits 1.
//
//     ReliabilityProbes emfile
//     ReliabilityProbes descriptors [rounds]
//     ReliabilityProbes memory [rounds]
#if canImport(Glibc)
import Glibc
#endif
import UVIO

let arguments = CommandLine.arguments.dropFirst()
let rounds = arguments.dropFirst().first.flatMap { Int($0) }
do {
    switch arguments.first {
    case "emfile": try await Probes.emfile()
    case "descriptors": try await Probes.descriptors(rounds: rounds ?? 5)
    case "memory": try await Probes.memory(rounds: rounds ?? 30)
    default:
        print("usage: ReliabilityProbes emfile | descriptors [rounds] | memory [rounds]")
        exit(2)
    }
} catch {
    print("FAILED \(error)")
    exit(1)
}
