// The service's logger.
import Logging

private let logger = Logger(label: "my-service")
