import Foundation
import JobCore
import JobCoreTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `jobctl serve` at its edges: HTTPS from PEM files (and a non-loopback address with it),
/// CORS origins, the rate limit, and the invalid input of those options (exit 2).
@Suite struct ServeEdgesCommandTests {
    @Test func servesHTTPSOnAnyAddressWithCORSAndARateLimit() async throws {
        try await JobctlEnvironment.with { env in
            let (certificate, key) = try await Self.makeCertificate(in: env.root, name: "server")
            let port = try MetricsEndpointTests.freePort()
            // 0.0.0.0 without --insecure-listen: allowed, since TLS is on.
            let server = try BackgroundJobctl(
                ["serve", "--listen", "0.0.0.0:\(port)", "--tls-cert", certificate, "--tls-key", key,
                 "--cors-origin", "https://ops.example.com", "--rate-limit", "1/m", "--rate-burst", "4"],
                environment: ["JOBCTL_STORE": env.store, "JOBCTL_WORKSPACE_ROOT": env.workspaces.path])
            let document = try await Self.request(port: port, "/openapi.json", caFile: certificate, origin: "https://ops.example.com")
            #expect(document.status == 200)
            #expect(document.body.contains("\"openapi\""))
            #expect(document.headers["access-control-allow-origin"] == "https://ops.example.com")
            let other = try await Self.request(port: port, "/v1/health", caFile: certificate, origin: "https://evil.example.com")
            #expect(other.status == 401)
            #expect(other.headers.keys.allSatisfy { !$0.hasPrefix("access-control-") }, "\(other.headers)")
            // Plain HTTP on the same port gets no HTTP answer.
            await #expect(throws: ServeCommandTests.RequestFailed.self) {
                _ = try await Self.request(port: port, "/openapi.json", caFile: nil)
            }
            // A burst of 4 for this address (the plain attempt never became a request): then 429.
            #expect(try await Self.request(port: port, "/v1/health", caFile: certificate).status == 401)
            #expect(try await Self.request(port: port, "/openapi.json", caFile: certificate).status == 200)
            let limited = try await Self.request(port: port, "/openapi.json", caFile: certificate)
            #expect(limited.status == 429, "\(limited.body)")
            #expect(limited.body.contains("\"rateLimited\""))
            #expect(Int(limited.headers["retry-after"] ?? "") != nil)

            server.signal(SIGTERM)
            let output = try await server.finish()
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("https"))
            #expect(!output.stderr.contains("without TLS"), "no clear-text warning with TLS")
        }
    }

    @Test func invalidTLSCORSAndRateLimitOptionsExit2() async throws {
        try await JobctlEnvironment.with { env in
            let (certificate, key) = try await Self.makeCertificate(in: env.root, name: "first")
            let (_, otherKey) = try await Self.makeCertificate(in: env.root, name: "second")
            let keyText = try String(contentsOfFile: key, encoding: .utf8)
            let missing = env.root.appendingPathComponent("missing.pem").path
            let cases: [([String], String)] = [
                (["--tls-cert", certificate], "--tls-cert and --tls-key go together"),
                (["--tls-key", key], "--tls-cert and --tls-key go together"),
                (["--tls-cert", missing, "--tls-key", key], "\(missing) does not exist"),
                (["--tls-cert", certificate, "--tls-key", missing], "\(missing) does not exist"),
                (["--tls-cert", env.root.path, "--tls-key", key], "cannot be read"),
                (["--tls-cert", key, "--tls-key", key], "holds no PEM certificate"),
                (["--tls-cert", certificate, "--tls-key", certificate], "holds no unencrypted PEM private key"),
                (["--tls-cert", certificate, "--tls-key", otherKey], "does not hold the private key of the certificate"),
                (["--listen", "0.0.0.0:8080"], "give --tls-cert and --tls-key, or --insecure-listen"),
                (["--cors-origin", "*"], "is not an origin"),
                (["--cors-origin", "https://ops.example.com/"], "is not an origin"),
                (["--rate-limit", "fast"], "--rate-limit must be"),
                (["--rate-limit", "0/s"], "--rate-limit must be"),
                (["--rate-burst", "10"], "--rate-burst needs --rate-limit"),
            ]
            for (arguments, message) in cases {
                let output = try await env.jobctl(["serve"] + arguments)
                #expect(output.status == 2, "\(arguments): \(output.stderr)")
                #expect(output.stderr.contains(message), "\(arguments): \(output.stderr)")
                #expect(!output.stderr.contains(keyText) && !output.stderr.contains("BEGIN"), "\(arguments): \(output.stderr)")
            }
        }
    }

    /// A self-signed certificate for localhost and 127.0.0.1 and its key, PEM files (openssl CLI).
    static func makeCertificate(in directory: URL, name: String) async throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("\(name).pem").path
        let key = directory.appendingPathComponent("\(name).key").path
        let status = try await DedicatedThread.run(name: "openssl") { () throws -> Int32 in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(status == 0, "openssl req failed")
        return (certificate, key)
    }

    /// One GET with python3's urllib: HTTPS trusting `caFile` only, or plain HTTP without one;
    /// retries a refused connection while the server starts (bounded: 30 s). Returns the status,
    /// the headers (lowercased names) and the body.
    static func request(
        port: Int, _ path: String, caFile: String?, origin: String? = nil
    ) async throws -> (status: Int, headers: [String: String], body: String) {
        let script = #"""
        import json, ssl, sys, time, urllib.request, urllib.error
        port, path, ca, origin = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
        context = ssl.create_default_context(cafile=ca) if ca else None
        url = f"{'https' if ca else 'http'}://127.0.0.1:{port}{path}"
        request = urllib.request.Request(url, headers={"Origin": origin} if origin else {})
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10, context=context) as response:
                    status, headers, body = response.status, response.headers, response.read()
                break
            except urllib.error.HTTPError as error:
                status, headers, body = error.code, error.headers, error.read()
                break
            except urllib.error.URLError as error:
                if time.time() > deadline or not isinstance(error.reason, ConnectionRefusedError):
                    sys.exit(f"request failed: {error}")
                time.sleep(0.1)
            except Exception as error:
                sys.exit(f"request failed: {error!r}")
        sys.stdout.write(json.dumps({"status": status, "headers": {k.lower(): v for k, v in headers.items()}}) + "\n")
        sys.stdout.buffer.write(body)
        """#
        let run = try await PythonProcess.run(["-c", script, "\(port)", path, caFile ?? "", origin ?? ""], name: "https-request")
        guard run.status == 0, let newline = run.stdout.firstIndex(of: "\n"),
              let head = try JSONSerialization.jsonObject(with: Data(run.stdout[..<newline].utf8)) as? [String: Any],
              let status = head["status"] as? Int, let headers = head["headers"] as? [String: String] else {
            throw ServeCommandTests.RequestFailed(message: run.stderr)
        }
        return (status, headers, String(run.stdout[run.stdout.index(after: newline)...]))
    }
}
