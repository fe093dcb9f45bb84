/// Carries a value the caller has given up (a `sending` parameter) into a job for the loop
/// thread, where nothing else can reach it.
struct Transfer<Value>: @unchecked Sendable {
    // Safe: built only from `sending` values, so the job that receives it holds the only reference.
    let value: Value
    init(_ value: sending Value) { self.value = value }
}

extension HandleCore {
    /// Hands `value` (a caller's handler or completion) to `body` on the loop thread; when the
    /// loop takes no more jobs, gives it to `ifShutDown` on the calling thread with the error.
    func onLoop<Value>(
        passing value: sending Value,
        _ body: @escaping @Sendable (Value) -> Void,
        ifShutDown: (Value, UVError) -> Void
    ) {
        let value = Transfer(value)
        do {
            try onLoop { body(value.value) }
        } catch {
            ifShutDown(value.value, error)
        }
    }
}
