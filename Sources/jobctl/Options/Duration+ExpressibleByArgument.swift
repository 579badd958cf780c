public import ArgumentParser
import JobCore

/// Every duration option (`--timeout 1h30m`, `--lease 30s`, `--poll-interval 250ms` …) is read
/// here, with ``DurationParser``, and shown in help the way it is read.
extension Duration: @retroactive ExpressibleByArgument {
    public init?(argument: String) {
        guard let duration = try? DurationParser.parse(argument) else { return nil }
        self = duration
    }

    public var defaultValueDescription: String { DurationParser.format(self) }
}
