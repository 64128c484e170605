import Foundation
import Testing
import EdXML

@Suite struct OrganIdTests {
    @Test(arguments: [("000.00.00.G22", OrganId.Form.qcvn102), ("000.00.00.H41", .qcvn102), ("002.00.20.H13", .qcvn102),
                      ("H01.151.01", .hierarchical), ("G22", .hierarchical), ("A01.01.001.01", .hierarchical),
                      ("01.02.G22", .unrecognised), ("001.00.20.TT2", .unrecognised), ("vxp.saas.01", .unrecognised),
                      ("null", .unrecognised), ("000.00.00.g22", .unrecognised), ("L01.151", .unrecognised),
                      ("H01." + String(repeating: "11.", count: 11) + "11", .unrecognised)])
    func formIsRecognised(_ text: String, _ form: OrganId.Form) {
        #expect(OrganId(text).form == form)
    }

    @Test func lenientAcceptsUnknownFormsStrictDoesNot() {
        let test: OrganId = "vxp.saas.01"
        #expect(test.problem(strict: false) == nil)
        #expect(test.problem(strict: true) != nil)
        #expect(OrganId("000.00.00.G22").problem(strict: true) == nil)
        #expect(OrganId("").problem(strict: false) != nil)
        #expect(OrganId(" 000.00.00.G22").problem(strict: false) != nil)
    }
}

@Suite struct DateTextTests {
    @Test func impossibleDayKeepsItsText() {
        let date = DateText("2014/02/30")
        #expect(date.text == "2014/02/30")
        #expect(date.value == LocalDateTime(year: 2014, month: 2, day: 30))
        #expect(date.value?.isPossible == false)
        #expect(date.problem != nil)
        #expect(date.value?.date == nil)
    }

    @Test(arguments: ["2024/02/29", "2000/02/29", "2018/09/28 17:25:11", "2015-09-30", " 2019/01/17 "])
    func possibleDates(_ text: String) {
        #expect(DateText(text).problem == nil, "\(text)")
    }

    @Test(arguments: ["1900/02/29", "2018/13/01", "2018/09/28 24:00:00", "30/09/2015", "soon", "", "2018/09/28T10:00:00"])
    func unusableDates(_ text: String) {
        #expect(DateText(text).problem != nil, "\(text)")
    }

    @Test func instantIsVietnamLocalTime() throws {
        let value = try #require(DateText("2018/09/28 17:25:11").value)
        #expect(value.date == Date(timeIntervalSince1970: 1_538_130_311))
        #expect(LocalDateTime(Date(timeIntervalSince1970: 1_538_130_311), withTime: true).edXMLText == "2018/09/28 17:25:11")
    }

    /// The arithmetic conversion agrees with Foundation's calendar on leap days, month and year
    /// ends, the local midnight (17:00 UTC), instants before 1970 and fractions of a second.
    @Test func localTimeAgreesWithTheGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = LocalDateTime.vietnamTimeZone
        var instants: [TimeInterval] = [0, -1, -0.5, 1_538_130_311.75, 951_782_400, 951_868_799, 4_107_542_399, -2_208_988_800]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { instants.append(TimeInterval(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator))) }
        for day in stride(from: Int64(946_684_800), to: 1_009_843_200, by: 86_400) {   // 2000–2001, each local midnight ± 1 s
            instants += [TimeInterval(day - 25_200), TimeInterval(day - 25_201)]
        }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = LocalDateTime(year: c.year!, month: c.month!, day: c.day!,
                                         time: .init(hour: c.hour!, minute: c.minute!, second: c.second!))
            #expect(LocalDateTime(date, withTime: true) == expected, "\(instant)")
        }
    }
}

@Suite struct StatusCodeTests {
    @Test func namedCodesAndAnyTwoDigits() {
        #expect(StatusCode("01").meaning?.vietnamese == "Đã đến")
        #expect(StatusCode("13") == .recallRequested)
        #expect(StatusCode("09").meaning == nil)
        #expect(StatusCode("09").isTwoDigits)
        #expect(StatusCode("09").name == "code 09")
        #expect(!StatusCode("1").isTwoDigits)
        #expect(!StatusCode("0a").isTwoDigits)
        let named = (1...16).map { StatusCode(String(format: "%02d", $0)) }.filter { $0.meaning != nil }.map(\.text)
        #expect(named == ["01", "02", "03", "04", "05", "06", "13", "15", "16"])
    }

    @Test func contentIdsMatchWithOrWithoutCid() {
        #expect(ContentId.normalize("cid:36b8a92e") == "36b8a92e")
        #expect(ContentId.normalize("CID:209") == "209")
        #expect(ContentId.normalize(" 209 ") == "209")
    }
}
