// The service's HTTP server: any swift-service-lifecycle Service (a Hummingbird `Application` is one).
import ServiceLifecycle

private let httpServer: any Service = stub()
