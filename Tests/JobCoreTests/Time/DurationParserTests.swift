import JobCore
import Testing

@Suite struct DurationParserTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)),
        ("250ms", .milliseconds(250)), ("2d", .seconds(172_800)), ("1m30s", .seconds(90)),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try DurationParser.parse(text) == expected)
    }

    @Test(arguments: ["", "5", "m", "5x", "-5s", "1.5s", "5 m"])
    func rejects(text: String) {
        let error = #expect(throws: DurationParser.Error.self) { try DurationParser.parse(text) }
        #expect(error?.code == .invalidSyntax)
        #expect(error?.text == text)
        #expect(error?.description == "invalidSyntax: invalid duration '\(text)': use a number with a unit, such as 30s, 5m, 1h30m, 250ms or 2d")
    }

    @Test(arguments: ["99999999999999999999s", "9999999999999999d", "9223372036854775807ms1ms"])
    func rejectsWhatIsTooLongInsteadOfOverflowing(text: String) {
        let error = #expect(throws: DurationParser.Error.self) { try DurationParser.parse(text) }
        #expect(error?.code == .outOfRange)
    }

    /// Issue 17 item 11: at most 100 years, so a date computed from a duration stays representable.
    @Test func rejectsMoreThanTheMaximum() throws {
        #expect(try DurationParser.parse("36500d") == DurationParser.maximum)
        #expect(DurationParser.maximum == .seconds(36_500 * 86_400))
        for text in ["36500d1ms", "9223372036854775807ms", "876001h"] {
            let error = #expect(throws: DurationParser.Error.self) { try DurationParser.parse(text) }
            #expect(error?.code == .outOfRange)
            #expect(error?.message == "invalid duration '\(text)': too long (at most 36500d)")
        }
    }

    @Test func formatsWhatItParses() throws {
        for duration: Duration in [.seconds(5400), .seconds(30), .milliseconds(250), .seconds(90_061)] {
            #expect(try DurationParser.parse(DurationParser.format(duration)) == duration)
        }
    }
}
