import ArgumentParser
import Foundation
import JobCore
import Logging
import ServiceLifecycle

enum LogFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    case text, json
}
