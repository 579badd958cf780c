// A job that sends mail, for the doc comments of JobKind and JobHandlers.
import JobCore

private struct Mail: Codable, Sendable { var to: String; var subject: String }
private struct Mailer: Sendable { func send(_ mail: Mail) async throws {} }
private let mailer = Mailer()
