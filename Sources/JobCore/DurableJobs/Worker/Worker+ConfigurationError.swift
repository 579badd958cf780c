extension Worker {
    /// A ``Worker/Configuration`` whose settings do not make sense together (a lease shorter than
    /// ``Worker/Configuration/minimumLease``, a heartbeat not shorter than the lease …): see
    /// ``Worker/Configuration/validate()``. Invalid input: `jobctl` exits 2.
    public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
        /// What is wrong, for people.
        public var message: String

        /// Creates an error.
        public init(_ message: String) {
            self.message = message
        }

        public var description: String { message }
    }
}
