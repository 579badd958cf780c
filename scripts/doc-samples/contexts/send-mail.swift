// The job kind of the mail example.
import JobCore

private let sendMail = JobKind<Mail>("send-mail")
