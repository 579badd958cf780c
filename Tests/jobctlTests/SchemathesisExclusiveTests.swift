import Foundation
import JobCore
import JobCoreTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// schemathesis (PyPI, installed by scripts/bootstrap) against a live `jobctl serve`: every
/// operation of the OpenAPI document, with generated valid and invalid input, for a client with
/// an admin token and for one without: no 5xx, and every status, content type, header and body
/// as the document says. Slow (about a minute): `Exclusive`.
@Suite struct SchemathesisExclusiveTests {
    @Test func theLiveServerKeepsItsOpenAPIContract() async throws {
        try await JobctlEnvironment.with { env in
            let token = try await env.jobctl(["tokens", "create", "--scope", "admin", "--name", "schemathesis"]).stdout
                .trimmingCharacters(in: .newlines)
            // Jobs in several states for the listing and the operations to find.
            for command in [["true"], ["false"]] { _ = try await env.jobctl(["enqueue", "--"] + command) }
            let port = try MetricsEndpointTests.freePort()
            let server = try BackgroundJobctl(
                ["serve", "--listen", "127.0.0.1:\(port)"],
                environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            let schema = "http://127.0.0.1:\(port)/openapi.json"
            let checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"

            let authenticated = try await Self.schemathesis(in: env.root, [
                "run", schema, "--wait-for-schema", "30", "-H", "Authorization: Bearer \(token)", "--checks", checks,
                "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "25", "--workers", "1", "--seed", "13",
            ])
            #expect(authenticated.status == 0, "\(authenticated.output)")
            let unauthenticated = try await Self.schemathesis(in: env.root, [
                "run", schema, "--wait-for-schema", "30", "--checks", checks,
                "--phases", "examples,coverage,fuzzing", "--max-examples", "10", "--workers", "1", "--seed", "13",
            ])
            #expect(unauthenticated.status == 0, "\(unauthenticated.output)")

            server.signal(SIGTERM)
            let output = try await server.finish()
            #expect(output.status == 0, "\(output.stderr)")
            #expect(!output.stderr.contains(token), "the token is never logged")
        }
    }

    /// Runs schemathesis's command line with the python3 on PATH, in `directory` (where it keeps
    /// its caches); fails, never skips, when it is not installed.
    static func schemathesis(in directory: URL, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let script = """
        import sys
        try:
            from schemathesis.cli import schemathesis
        except ImportError:
            sys.exit("schemathesis is not installed for this python3: run scripts/bootstrap")
        sys.argv = ["schemathesis"] + sys.argv[1:]
        schemathesis()
        """
        let run = try await PythonProcess.run(["-c", script] + arguments, in: directory, environment: ["NO_COLOR": "1"], name: "schemathesis")
        return (run.status, run.stdout + run.stderr)
    }
}
