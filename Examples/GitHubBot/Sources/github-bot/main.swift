// The GitHub bot as a process: configuration from the environment (see README.md), jobs in a
// SQLite file, the webhook server and a worker in one service group.
import Foundation
import GitHubBot
import Hummingbird
import JobCore
import JobCoreGitHub
import JobCoreSQLite
import Logging
import OTel
import ServiceLifecycle

// libgit2 and the command processes write to sockets and pipes: EPIPE, not death.
ignoreSIGPIPE()

let environment = ProcessInfo.processInfo.environment

func setting(_ name: String, default value: String? = nil) -> String? {
    environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? value
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("github-bot: \(message)\n".utf8))
    exit(2)
}

var logger = Logger(label: "github-bot")
logger.logLevel = setting("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info

// Traces and metrics over OTLP/HTTP (swift-otel) when an endpoint is configured; off by default.
// Bootstrapped before the bot and the worker are made: they read the backends when created.
var telemetry: [any Service] = []
if setting("OTEL_EXPORTER_OTLP_ENDPOINT") != nil || setting("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != nil {
    var otel = OTel.Configuration.default
    otel.serviceName = "github-bot"            // OTEL_SERVICE_NAME overrides it
    otel.logs.enabled = false                  // logs stay on standard error
    otel.traces.otlpExporter.protocol = .httpProtobuf
    otel.metrics.otlpExporter.protocol = .httpProtobuf
    do {
        telemetry.append(try OTel.bootstrap(configuration: otel))
    } catch {
        fail("cannot set up OpenTelemetry export: \(error)")
    }
    logger.notice("exporting traces and metrics over OTLP")
}

guard let secret = setting("WEBHOOK_SECRET") else { fail("set WEBHOOK_SECRET to the webhook's secret") }
// During a rotation, deliveries signed with the previous secret are accepted too.
let secrets = [secret, setting("WEBHOOK_SECRET_PREVIOUS")].compactMap { $0 }.map(Secret.init)

let configuration = BotConfiguration(
    command: ["/bin/sh", "-c", setting("BOT_COMMAND", default: #"echo "Issue #$ISSUE_NUMBER: $ISSUE_TITLE" >> AGENT.md"#)!],
    label: setting("BOT_LABEL", default: "agent")!,
    gitBaseURL: setting("GIT_BASE_URL", default: "https://github.com")!
)

// Credentials: a GitHub App (installation tokens, by the installation named in each delivery),
// else a token in GITHUB_TOKEN, else none (public repositories cannot be pushed to).
let tokens: (any TokenProvider)?
if let appID = setting("GITHUB_APP_ID") {
    guard let keyFile = setting("GITHUB_APP_PRIVATE_KEY") else { fail("set GITHUB_APP_PRIVATE_KEY to the app's PEM file") }
    do {
        let api = URL(string: setting("GITHUB_API_URL", default: "https://api.github.com")!)!
        let app = try GitHubAppTokenProvider.Configuration(appID: appID, privateKeyFile: keyFile, apiBaseURL: api)
        tokens = GitHubAppTokenProvider(configuration: app, logger: logger)
    } catch {
        fail("\(error)")
    }
} else if setting("GITHUB_TOKEN") != nil {
    tokens = EnvironmentTokenProvider(variable: "GITHUB_TOKEN")
} else {
    tokens = nil
}

let store: any JobStore
do {
    let location = setting("BOT_STORE", default: "github-bot.sqlite")!
    store = location == "memory:" ? MemoryJobStore() : try SQLiteJobStore(path: location, logger: logger)
} catch {
    fail("cannot open the job store: \(error)")
}

let workspaces = LocalWorkspaceManager(configuration: .init(root: setting("BOT_WORKSPACE_ROOT")), logger: logger)
// Workspaces of an earlier run of this bot that was killed before it could remove them.
let swept = await workspaces.sweepStale(olderThan: .seconds(60))
if !swept.isEmpty { logger.notice("removed stale workspaces", metadata: ["count": "\(swept.count)"]) }
let concurrency = setting("BOT_CONCURRENCY").flatMap(Int.init) ?? 4
let worker = GitHubBot.makeWorker(store: store, tokens: tokens, workspaces: workspaces, configuration: .init(concurrency: concurrency), logger: logger)
let bot = GitHubBot(configuration: configuration, receiver: GitHubWebhookReceiver(signature: WebhookSignature(secrets: secrets)), store: store, logger: logger)

let host = setting("HOST", default: "127.0.0.1")!
let port = setting("PORT").flatMap(Int.init) ?? 8080
let application = bot.application(worker: worker, server: ApplicationConfiguration(address: .hostname(host, port: port)), services: telemetry)
// SIGTERM / SIGINT: the server stops, the worker lets running jobs finish for its grace period
// and returns the rest to the queue.
try await application.runService()
