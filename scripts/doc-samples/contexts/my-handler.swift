// The handler under test in docs/testing.md: a job kind, a payload and a type that registers it.
import JobCore

private struct MyPayload: Codable, Sendable {}
private let myKind = JobKind<MyPayload>("my-kind")
private let payload = MyPayload()
private struct MyHandler {
    var tokens: any TokenProvider
    var gitBaseURL: String
    var clock: any WallClock
    func register(in handlers: inout JobHandlers) {}
}
