public import ArgumentParser
public import JobCore

/// `--scope read`, `--scope operate`, `--scope admin`.
extension AccessScope: ExpressibleByArgument {}
