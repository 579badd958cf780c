import Foundation
import JobCore
import JobCoreGitHub
import JobCoreTesting
import Testing

@Suite struct DeliveryDeduplicatorTests {
    @Test func aRepeatedIDIsRefused() {
        let deliveries = DeliveryDeduplicator()
        #expect(deliveries.insert("72d3162e-cc78-11e3-81ab-4c9367dc0958"))
        #expect(!deliveries.insert("72d3162e-cc78-11e3-81ab-4c9367dc0958"))
        #expect(deliveries.insert("72d3162e-cc78-11e3-81ab-4c9367dc0959"))
        #expect(deliveries.contains("72d3162e-cc78-11e3-81ab-4c9367dc0958"))
        #expect(!deliveries.contains("unknown"))
        #expect(deliveries.count == 2)
    }

    @Test func capacityForgetsTheOldestFirst() {
        let deliveries = DeliveryDeduplicator(capacity: 3)
        for id in ["a", "b", "c", "d"] { #expect(deliveries.insert(id)) }
        #expect(deliveries.count == 3)
        #expect(!deliveries.contains("a"))
        #expect(deliveries.contains("b") && deliveries.contains("c") && deliveries.contains("d"))
        // Going round the ring several times keeps exactly the last three.
        for index in 0..<20 { deliveries.insert("id-\(index)") }
        #expect(deliveries.count == 3)
        #expect(["id-17", "id-18", "id-19"].allSatisfy(deliveries.contains))
        #expect(!deliveries.contains("id-16"))
        #expect(deliveries.insert("id-16"))
    }

    @Test func memoryStaysBoundedWhateverTheIDs() {
        let deliveries = DeliveryDeduplicator(capacity: 100)
        for index in 0..<2_000 { deliveries.insert(String(repeating: "x", count: 300) + "\(index)") }
        #expect(deliveries.count == 100)
    }

    @Test func removeLetsAnIDBeAcceptedAgain() {
        let deliveries = DeliveryDeduplicator(capacity: 2)
        deliveries.insert("a")
        #expect(deliveries.remove("a"))
        #expect(!deliveries.remove("a"))
        #expect(deliveries.insert("a"))
        // The first, removed arrival of "a" leaving the ring does not forget the second one.
        deliveries.insert("b")
        #expect(deliveries.contains("a"))
        deliveries.insert("c")
        #expect(!deliveries.contains("a"))
        #expect(deliveries.contains("b") && deliveries.contains("c"))
    }

    @Test func theWindowForgetsOldIDs() {
        let clock = ManualClock()
        let deliveries = DeliveryDeduplicator(capacity: 100, window: .seconds(60), clock: clock)
        deliveries.insert("first")
        clock.advance(by: .seconds(30))
        deliveries.insert("second")
        #expect(!deliveries.insert("first"))
        clock.advance(by: .seconds(30))
        #expect(!deliveries.contains("first"))
        #expect(deliveries.contains("second"))
        #expect(deliveries.insert("first"))
        clock.advance(by: .seconds(31))
        #expect(deliveries.count == 1)
        #expect(deliveries.contains("first"))
    }

    @Test func concurrentInsertsOfOneIDAcceptExactlyOne() async {
        let deliveries = DeliveryDeduplicator()
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 { group.addTask { deliveries.insert("same") } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 1)
    }
}
