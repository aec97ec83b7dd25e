import Foundation
import ICalendar

/// libFuzzer entry for the iCalendar reader: parses the input as a stored calendar object
/// and, when it is accepted, computes what CalDAV asks of it (the span the store indexes,
/// expansion and free-busy over one month, a filter match), so recurrence work stays bounded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzICalendar(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let resource = try? CalendarResource(parsing: bytes) else { return 0 }
    let start = Date(timeIntervalSince1970: 1_709_251_200)  // 2024-03-01T00:00:00Z
    let month = CalendarTimeRange(start: start, end: start.addingTimeInterval(31 * 86_400))
    _ = resource.span()
    _ = resource.expanded(in: month)
    _ = resource.limitedRecurrenceSet(to: month)
    _ = resource.busyPeriods(in: month)
    let filter = CalendarComponentFilter(
        name: "VCALENDAR",
        componentFilters: [CalendarComponentFilter(name: resource.kind.rawValue, timeRange: month)]
    )
    _ = resource.matches(filter)
    return 0
}
