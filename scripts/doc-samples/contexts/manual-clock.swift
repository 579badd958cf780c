// A test's clock.
import JobCoreTesting

private let clock = ManualClock()
