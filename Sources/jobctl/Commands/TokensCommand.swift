import ArgumentParser
import Foundation
import JobCore
import JobCoreHTTP

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke the access tokens of the HTTP API (jobctl serve).",
        discussion: """
        A token has a scope: read (look), operate (also enqueue, cancel, kill, retry, change) or \
        admin (also purge). The store keeps a hash of it only: the token is printed once, by create.

        Example:
          jobctl tokens create --scope operate --name ci
          curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/v1/jobs
        """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// `tokens list --json`: a token without its secret (the store has only its hash).
    struct TokenView: Encodable {
        var id: String
        var name: String
        var scope: String
        var createdAt: Date

        init(_ record: AccessTokenRecord) {
            id = record.id
            name = record.name
            scope = record.scope.rawValue
            createdAt = record.createdAt
        }
    }

    /// Runs `body` with the store's access tokens.
    static func withTokens<Result>(_ global: GlobalOptions, _ body: (any AccessTokenStore) async throws -> Result) async throws -> Result {
        try await global.withStore(logger: global.makeLogger()) { store in
            guard let tokens = store as? any AccessTokenStore else {
                throw CLIError(.invalidInput, "this store does not keep access tokens")
            }
            return try await body(tokens)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it (once: the store keeps only its hash).")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Option(help: "A unique name: letters, digits, '.', '_' or '-'.") var name: String
        @Option(help: "read, operate or admin.") var scope: AccessScope
        @Flag(help: "Print {\"name\", \"scope\", \"token\"} instead of the token alone.") var json = false

        struct Output: Encodable {
            var name: String
            var scope: String
            var token: String
        }

        func run() async throws {
            try await reportingErrors {
                let issued = try await TokensCommand.withTokens(global) { tokens in
                    do {
                        return try await AccessTokens.create(name: name, scope: scope, in: tokens)
                    } catch let error as JobStoreError where error.code == .duplicate {
                        throw CLIError(.invalidInput, error.message)
                    }
                }
                if json {
                    try JSONOutput.print(Output(name: issued.record.name, scope: issued.record.scope.rawValue, token: issued.token))
                } else {
                    print(issued.token)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (never their secrets).")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let records = try await TokensCommand.withTokens(global) { tokens in try await tokens.accessTokens() }
                if json {
                    try JSONOutput.print(records.map(TokenView.init))
                    return
                }
                guard !records.isEmpty else { print("no access tokens (jobctl tokens create --scope read --name NAME)"); return }
                var table = Table(header: ["NAME", "SCOPE", "CREATED", "ID"])
                for record in records {
                    table.rows.append([Escaped.text(record.name), record.scope.rawValue, Style.timestamp(record.createdAt), record.id])
                }
                print(table.render())
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it no longer authenticates (an unknown name exits 3).")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            try await reportingErrors {
                try await TokensCommand.withTokens(global) { tokens in try await tokens.revokeAccessToken(named: name) }
                print("revoked \(name)")
            }
        }
    }
}
