import Foundation
import ICalendar
import TidelineStore

/// calendar-query (RFC 4791 section 7.8) and free-busy-query (section 7.10), inside the
/// device's window.
///
/// The store's span index picks the candidates (objects in the window whose span may overlap
/// the asked range); only those are parsed and matched with recurrence expansion. A time range
/// is cut to start no earlier than the window, so a query about last year finds nothing on a
/// 5-day device.
extension DAVContext {
    func calendarQuery(_ body: XMLElement, target: DAVResource) throws -> HTTPResponse {
        let collection = try reportCollection(target, .calendar, report: "calendar-query")
        guard let root = body.child(.caldav("filter"))?.child(.caldav("comp-filter")) else {
            throw DAVError(403, "calendar-query needs a filter with a VCALENDAR comp-filter.",
                           precondition: .caldav("valid-filter"))
        }
        var filter = try Self.componentFilter(root)
        guard filter.name.uppercased() == "VCALENDAR" else {
            throw DAVError(403, "The outer comp-filter must name VCALENDAR, not \(filter.name).",
                           precondition: .caldav("valid-filter"))
        }
        let windowStart = Date(timeIntervalSince1970: TimeInterval(window.start))
        var prefilter: (Int64?, Int64?)?
        for index in filter.componentFilters.indices {
            guard var range = filter.componentFilters[index].timeRange else { continue }
            range.start = max(range.start ?? windowStart, windowStart)
            filter.componentFilters[index].timeRange = range
            if filter.componentFilters.count == 1 {
                prefilter = (range.start.map(Self.seconds), range.end.map(Self.seconds))
            }
        }
        let timeZone = try queryTimeZone(body) ?? floatingTimeZone(of: collection)
        let candidates = try store.objects(collectionID: collection.id, window: window, overlapping: prefilter)
        let contents = try store.objectData(ids: candidates.map(\.id))
        var matches: [(DAVObjectInfo, [UInt8])] = []
        for info in candidates {
            guard let data = contents[info.id], let resource = try? CalendarResource(parsing: data),
                  resource.matches(filter, timeZone: timeZone)
            else { continue }
            matches.append((info, data))
        }
        var live = LiveProperties(context: self)
        var status = Multistatus()
        try answerObjects(matches, in: collection, body: body, status: &status, live: &live)
        return status.finish()
    }

    func freeBusyQuery(_ body: XMLElement, target: DAVResource) throws -> HTTPResponse {
        let collection = try reportCollection(target, .calendar, report: "free-busy-query")
        guard let element = body.child(.caldav("time-range"))
        else { throw DAVError(400, "free-busy-query needs a time-range with start and end.") }
        let asked = try Self.timeRange(element)
        guard let start = asked.start, let end = asked.end, start < end else {
            throw DAVError(400, "free-busy-query needs a time-range with start before end.")
        }
        let windowStart = Date(timeIntervalSince1970: TimeInterval(window.start))
        let range = CalendarTimeRange(start: max(start, windowStart), end: end)
        var periods: [BusyPeriod] = []
        if range.start! < end {
            let timeZone = floatingTimeZone(of: collection)
            let candidates = try store.objects(collectionID: collection.id, window: window,
                                               overlapping: (Self.seconds(range.start!), Self.seconds(end)))
            let contents = try store.objectData(ids: candidates.map(\.id))
            for info in candidates {
                guard let data = contents[info.id], let resource = try? CalendarResource(parsing: data) else { continue }
                periods += resource.busyPeriods(in: range, timeZone: timeZone)
            }
        }
        let text = FreeBusyReply.render(FreeBusyReply.merged(periods), start: start, end: end, stamp: now)
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/calendar; charset=utf-8")],
                            body: Array(text.utf8))
    }

    /// The `calendar-data` of an object as the request shapes it: whole, expanded into
    /// instances, or with the recurrence set limited to a range (RFC 4791 section 9.6). Ranges
    /// are cut to the device's window.
    func calendarData(_ data: [UInt8], request: XMLElement?, collection: DAVCollection) throws -> String {
        let text = String(decoding: data, as: UTF8.self)
        guard let request else { return text }
        // Limitation: comp and prop selection inside calendar-data is ignored; the whole object
        // is returned.
        let expand = request.child(.caldav("expand"))
        let limit = request.child(.caldav("limit-recurrence-set"))
        guard let element = expand ?? limit, let resource = try? CalendarResource(parsing: data) else { return text }
        var range = try Self.timeRange(element)
        let windowStart = Date(timeIntervalSince1970: TimeInterval(window.start))
        range.start = max(range.start ?? windowStart, windowStart)
        let timeZone = floatingTimeZone(of: collection)
        return expand != nil ? resource.expanded(in: range, timeZone: timeZone)
            : resource.limitedRecurrenceSet(to: range, timeZone: timeZone)
    }

    /// The zone a query names with CALDAV:timezone for floating times, if any.
    private func queryTimeZone(_ body: XMLElement) throws(DAVError) -> TimeZone? {
        guard let text = body.child(.caldav("timezone"))?.text, let range = text.range(of: "TZID:") else { return nil }
        let identifier = text[range.upperBound...].prefix { !$0.isNewline && $0 != "\r" }
        return TimeZone(identifier: identifier.trimmingCharacters(in: .whitespaces))
    }
}
