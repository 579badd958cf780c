import Foundation
import HTTPTypes
import JobCore
import JobCoreHTTP
import JobCoreTesting
import Testing

/// The OpenAPI document is valid OpenAPI 3.1 and describes exactly the routes the API serves.
@Suite struct OpenAPIContractTests {
    /// Validated by openapi-spec-validator (PyPI, installed by scripts/bootstrap). Fails, never
    /// skips, when it is missing.
    @Test func documentIsValidOpenAPI31() async throws {
        try await TemporaryDirectory.with(prefix: "jobcore-openapi") { directory in
            let file = directory.appendingPathComponent("openapi.json")
            try Data(OpenAPIDocument.json.utf8).write(to: file)
            let script = """
            import sys
            try:
                from openapi_spec_validator import validate
                from openapi_spec_validator.readers import read_from_filename
            except ImportError:
                sys.exit("openapi-spec-validator is not installed for this python3: run scripts/bootstrap")
            spec, _ = read_from_filename(sys.argv[1])
            validate(spec)
            print("valid", spec["openapi"])
            """
            let output = try await Python.run(["-c", script, file.path])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout == "valid 3.1.0\n", "\(output.stderr)")
        }
    }

    @Test func documentAndRouterServeTheSameRoutes() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        let documented = Set(paths.flatMap { path, operations in
            operations.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
        })
        let served = Set(JobCoreAPI(store: MemoryJobStore()).endpoints.map(\.description))
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        #expect(served.count == 20)
    }

    /// Each operation names the scope its route needs (`x-jobcore-scope`), and only the document
    /// itself is open to anyone (`security: []`).
    @Test func documentNamesTheScopeOfEveryRoute() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for endpoint in JobCoreAPI(store: MemoryJobStore()).endpoints {
            let operation = try #require(paths[endpoint.path]?[endpoint.method.rawValue.lowercased()] as? [String: Any], "\(endpoint)")
            #expect(operation["x-jobcore-scope"] as? String == endpoint.scope?.rawValue, "\(endpoint)")
            let open = (operation["security"] as? [Any])?.isEmpty == true
            #expect(open == (endpoint.scope == nil), "\(endpoint)")
            let responses = operation["responses"] as? [String: Any] ?? [:]
            #expect((responses["401"] != nil && responses["403"] != nil) == (endpoint.scope != nil), "\(endpoint)")
        }
    }
}

/// Runs python3 (the one on PATH, as scripts/bootstrap set it up).
enum Python {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) async throws -> Output {
        try await DedicatedThread.run(name: "python3") { () throws -> Output in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
            let stdout = Pipe(), stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            // Both pipes are small here (a line or a validator's message); read them to the end.
            let errors = stderr.fileHandleForReading.readDataToEndOfFile()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Output(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: errors, as: UTF8.self))
        }
    }
}
