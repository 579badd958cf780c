/// A concurrency key with its hash computed once, by the caller, so that the state machine's
/// dictionary look-ups under the lock do not hash the string again.
struct ConcurrencyKey: Hashable, Sendable {
    let name: String
    private let hash: Int

    init(_ name: String) {
        self.name = name
        self.hash = name.hashValue
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }

    static func == (lhs: ConcurrencyKey, rhs: ConcurrencyKey) -> Bool {
        lhs.hash == rhs.hash && lhs.name == rhs.name
    }
}
