import CICal
import Foundation

/// Expands a resource's recurrence set (RFC 5545 section 3.8.5): DTSTART, every RRULE, every
/// RDATE, minus EXDATE, with overridden instances (RECURRENCE-ID) replacing the instance they
/// stand for, wherever they have moved it. Runs inside the libical lock.
///
/// The work is bounded: at most `limit` times are taken from each RRULE per call. When the
/// range has a start and the rule has no COUNT, the iterator is first moved close to that
/// start, so a query next year does not walk every instance since DTSTART.
///
/// Limitation: an RRULE with COUNT has to be walked from DTSTART, so instances after the
/// first `limit` of such a rule are not seen (a query far into a long COUNT series misses
/// them). Limitation: EXRULE (deprecated in RFC 5545) is ignored.
/// Limitation: RECURRENCE-ID;RANGE=THISANDFUTURE is treated as overriding its one instance;
/// the later instances keep the master's times and properties.
struct RecurrenceExpansion {
    /// Rule iterations allowed per RRULE for a time-range query or expansion.
    static let queryLimit = 50_000

    let tree: ICalTree
    let builder: OccurrenceBuilder

    init(tree: ICalTree, floating: FloatingZone) {
        self.tree = tree
        self.builder = OccurrenceBuilder(floating: floating)
    }

    /// What the expansion found.
    struct Result {
        var occurrences: [Occurrence]
        /// Whether an RRULE was cut off by the limit or by the range end before it ran out.
        var isTruncated: Bool
    }

    /// The occurrences that may overlap `range` (a superset: callers apply `test`), master
    /// instances first, then overrides. Generation stops after the range end.
    ///
    /// With `stop`, the master's instances end at the first one it accepts (such as the
    /// first that overlaps `range`): enough to answer whether the series matches a time-range
    /// filter, and the only bound on an open-ended rule asked about an open-ended range (a
    /// CalDAV client's "everything from last week on"), which would otherwise walk `limit`
    /// instances.
    func occurrences(in range: CalendarTimeRange, limit: Int = queryLimit,
                     stoppingAt stop: ((Occurrence) -> Bool)? = nil) -> Result {
        var result = Result(occurrences: [], isTruncated: false)
        var overridden = Set<Int64>()
        for (index, component) in tree.components.enumerated() {
            guard let rid = component.recurrenceID else { continue }
            var occurrence = builder.occurrence(of: component, index: index,
                                                startTime: component.dtstart ?? rid)
            let ridDate = TimeConversion.date(rid, floating: builder.floating)
            occurrence.recurrenceID = ridDate
            occurrence.recurrenceIDTime = rid
            overridden.insert(Self.key(ridDate))
            result.occurrences.append(occurrence)
        }
        guard let masterIndex = tree.masterIndex else { return result }
        let master = tree.components[masterIndex]
        guard master.isRecurring, let dtstart = master.dtstart else {
            result.occurrences.insert(builder.occurrence(of: master, index: masterIndex,
                                                         startTime: master.dtstart), at: 0)
            return result
        }
        var series = Series(master: master, index: masterIndex, builder: builder, overridden: overridden)
        series.add(dtstart, periodEnd: nil)
        for rdate in master.rdates {
            if icaltime_is_null_time(rdate.period.start) == 0 {
                let period = builder.period(of: rdate.period)
                series.add(rdate.period.start, periodEnd: period.1)
            } else {
                series.add(rdate.time, periodEnd: nil)
            }
        }
        let length = series.first.flatMap { first in
            first.start.map { (first.end ?? $0).timeIntervalSince($0) }
        }
        for rule in master.rrules {
            if let stop, series.occurrences.contains(where: stop) { break }
            let cut = expand(icalproperty_get_rrule(rule), from: dtstart, length: max(length ?? 0, 0),
                             range: range, limit: limit, stoppingAt: stop, into: &series)
            result.isTruncated = result.isTruncated || cut
        }
        result.occurrences.insert(contentsOf: series.occurrences, at: 0)
        return result
    }

    /// Walks one RRULE, adding its times to `series`; returns whether it stopped early. With
    /// `stop`, the walk ends at the first instance added that it accepts.
    private func expand(_ rule: icalrecurrencetype, from dtstart: icaltimetype, length: TimeInterval,
                        range: CalendarTimeRange, limit: Int, stoppingAt stop: ((Occurrence) -> Bool)?,
                        into series: inout Series) -> Bool {
        guard let iterator = icalrecur_iterator_new(rule, dtstart) else { return false }
        defer { icalrecur_iterator_free(iterator) }
        if rule.count == 0, let rangeStart = range.start {
            // Two days of slack cover any zone offset between UTC and the rule's wall clock.
            let skip = rangeStart.addingTimeInterval(-length - 2 * 86_400)
            if skip > TimeConversion.date(dtstart, floating: builder.floating) {
                var local = TimeConversion.utcTime(skip)
                local.zone = dtstart.zone
                local.is_date = dtstart.is_date
                if dtstart.is_date != 0 { (local.hour, local.minute, local.second) = (0, 0, 0) }
                _ = icalrecur_iterator_set_start(iterator, local)
            }
        }
        for _ in 0..<limit {
            var next = icalrecur_iterator_next(iterator)
            if icaltime_is_null_time(next) != 0 { return false }
            next.zone = dtstart.zone
            let added = series.occurrences.count
            let start = series.add(next, periodEnd: nil)
            if let end = range.end, let start, start > end { return true }
            if let stop, series.occurrences.count > added, stop(series.occurrences[added]) {
                return true
            }
        }
        return true
    }

    /// The key under which two instance starts are the same instance: whole seconds.
    static func key(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}

/// The instances of a master collected so far, without duplicates, EXDATEs and overridden ones.
private struct Series {
    let master: ComponentFacts
    let index: Int
    let builder: OccurrenceBuilder
    let overridden: Set<Int64>
    private let excluded: Set<Int64>
    private let excludedDays: Set<Int32>
    private var seen = Set<Int64>()
    private(set) var occurrences: [Occurrence] = []
    /// The occurrence at DTSTART, which gives the length of the others.
    private(set) var first: Occurrence?

    init(master: ComponentFacts, index: Int, builder: OccurrenceBuilder, overridden: Set<Int64>) {
        self.master = master
        self.index = index
        self.builder = builder
        self.overridden = overridden
        var excluded = Set<Int64>()
        var excludedDays = Set<Int32>()
        for exdate in master.exdates {
            if exdate.is_date != 0, master.dtstart?.is_date == 0 {
                excludedDays.insert(Self.day(exdate))
            } else {
                excluded.insert(RecurrenceExpansion.key(TimeConversion.date(exdate, floating: builder.floating)))
            }
        }
        self.excluded = excluded
        self.excludedDays = excludedDays
    }

    private static func day(_ time: icaltimetype) -> Int32 {
        time.year * 10_000 + time.month * 100 + time.day
    }

    /// Adds the instance starting at `time`, unless it is a duplicate, excluded or overridden.
    /// Returns its start either way.
    @discardableResult
    mutating func add(_ time: icaltimetype, periodEnd: Date?) -> Date? {
        let start = TimeConversion.date(time, floating: builder.floating)
        let key = RecurrenceExpansion.key(start)
        guard seen.insert(key).inserted else { return start }
        if excluded.contains(key) || excludedDays.contains(Self.day(time)) || overridden.contains(key) {
            if first == nil { first = builder.occurrence(of: master, index: index, startTime: time) }
            return start
        }
        var occurrence = builder.occurrence(of: master, index: index, startTime: time, periodEnd: periodEnd)
        occurrence.recurrenceID = start
        occurrence.recurrenceIDTime = time
        if first == nil { first = occurrence }
        occurrences.append(occurrence)
        return start
    }
}
