/// Carries a value the caller has given up (a `sending` parameter) into a job for the loop
/// thread, where nothing else can reach it.
struct Transfer<Value>: @unchecked Sendable {
    // Safe: built only from `sending` values, so the job that receives it holds the only reference.
    let value: Value
    init(_ value: sending Value) { self.value = value }
}
