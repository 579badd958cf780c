import Foundation
import JobCore
import JobCoreTesting
import Testing

/// `--git-base-url` / `JOBCTL_GIT_BASE_URL` with credentials in it is refused like `--repo` with
/// credentials: exit 2, the token never echoed, no job created.
@Suite struct GitBaseURLCredentialTests {
    @Test func aBaseURLWithCredentialsIsRefused() async throws {
        try await JobctlEnvironment.with { env in
            let base = "http://u:SECRETTOKEN@127.0.0.1:1"
            let option = try await env.jobctl(["enqueue", "--repo", "owner/repo", "--git-base-url", base, "--", "true"])
            #expect(option.status == 2, "\(option.stderr)")
            let variable = try await env.jobctl(["enqueue", "--repo", "owner/repo", "--", "true"], environment: ["JOBCTL_GIT_BASE_URL": base])
            #expect(variable.status == 2, "\(variable.stderr)")
            for output in [option, variable] {
                #expect(output.stderr.contains("credentials in the URL are not allowed"), "\(output.stderr)")
                #expect(!(output.stdout + output.stderr).contains("SECRETTOKEN"))
            }
            let listed = try await env.jobctl(["list", "--json"])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(!listed.stdout.contains("owner/repo"))
            #expect(!listed.stdout.contains("SECRETTOKEN"))
        }
    }
}
