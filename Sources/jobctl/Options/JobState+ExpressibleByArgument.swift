public import ArgumentParser
public import JobCore

/// `--state queued`, `--state failed` …
extension JobState: ExpressibleByArgument {}

/// `--dependency-mode finished`.
extension DependencyMode: ExpressibleByArgument {}
