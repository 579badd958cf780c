public import ArgumentParser
public import JobCore

/// A job id argument (`jobctl show ID`); an unknown id is the store's `notFound` (exit 3).
extension JobID: ExpressibleByArgument {
    public init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        self.init(argument)
    }
}
