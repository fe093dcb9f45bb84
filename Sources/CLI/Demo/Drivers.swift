import UVIO

/// The servers a demo or bench run drives.
struct DemoTargets: Sendable {
    var tcp: SocketAddress?
    var udp: SocketAddress?
    var unix: String?
}

/// One driver per façade and transport that this build has, in the order the demo runs them.
/// A façade's driver joins this list when its façade lands in `main`.
func demoDrivers(_ targets: DemoTargets, on loop: EventLoop) -> [any LoadDriver] {
    var drivers: [any LoadDriver] = []
    if let tcp = targets.tcp {
        drivers.append(AsyncTCPDriver(server: tcp, loop: loop))
        drivers.append(PollTCPDriver(server: tcp, loop: loop))
        drivers.append(CallbackTCPDriver(server: tcp, loop: loop))
        drivers.append(BlockingTCPDriver(server: tcp, loop: loop))
    }
    if let udp = targets.udp {
        drivers.append(AsyncUDPDriver(server: udp, loop: loop))
    }
    if let unix = targets.unix {
        drivers.append(AsyncUnixDriver(path: unix, loop: loop))
    }
    return drivers
}
