import ArgumentParser
import Foundation
import JobCore
import JobCoreJSON

enum OperateOutput {
    static func print(_ job: JobRecord, json: Bool, text: String) throws {
        if json { try JSONOutput.print(JobView(job)) } else { Swift.print("\(job.id): \(text) (\(job.state))") }
    }
}
