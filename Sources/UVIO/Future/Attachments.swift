
/// Objects that the poll and callback façades keep per handle core (a shutdown in progress, an
/// accepting handler), since an extension cannot add stored properties to the core.
///
/// Entries are keyed by the core's identity and hold it weakly, so an entry left behind by a
/// freed core is never taken for one of a new core at the same address; such entries are pruned.
final class Attachments<Value: AnyObject>: @unchecked Sendable {
    // Safe: every access to `entries` and to the values goes through the mutex.
    private struct Entry {
        weak var owner: HandleCore?
        var value: Value
    }

    private let entries = LockedValue<[ObjectIdentifier: Entry]>([:])

    /// Runs `body` under the table's lock with the value attached to `owner` (nil if none);
    /// `body` may replace or remove it.
    func withValue<R>(for owner: HandleCore, _ body: (inout Value?) -> R) -> R {
        entries.withLock { entries in
            let key = ObjectIdentifier(owner)
            var value = entries[key].flatMap { $0.owner === owner ? $0.value : nil }
            let result = body(&value)
            if let value {
                entries[key] = Entry(owner: owner, value: value)
                if entries.count >= 64, entries.count.nonzeroBitCount == 1 {
                    entries = entries.filter { $0.value.owner != nil }
                }
            } else {
                entries[key] = nil
            }
            return result
        }
    }
}
