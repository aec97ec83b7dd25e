import CICal
import Foundation

/// The calendar's time zone, in which floating times and all-day dates are placed on the
/// timeline (RFC 4791 section 9.9 and the `calendar-timezone` property).
///
/// Built inside the libical lock; libical's own copy of the zone is used when it knows the
/// identifier, so floating and zoned times go through the same conversion code.
struct FloatingZone {
    let timeZone: TimeZone
    /// libical's zone of the same name, or nil to convert through Foundation.
    let zone: OpaquePointer?

    init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        self.zone = TimeConversion.builtinZone(named: timeZone.identifier)
    }
}

/// Converting libical times to `Date` and back, resolving TZIDs, and adding durations.
///
/// Every function here calls libical and must run inside `LibICal.locked`.
enum TimeConversion {
    /// Names that mean UTC whatever the zone database says.
    private static let utcNames: Set<String> = ["UTC", "GMT", "Z", "Etc/UTC", "Etc/GMT", "Zulu",
                                                "Universal", "Etc/Universal", "Etc/Zulu"]

    static var utc: OpaquePointer { icaltimezone_get_utc_timezone() }

    /// The builtin zone for an IANA name (Debian's libical reads /usr/share/zoneinfo), also
    /// for TZIDs written with a prefix such as `/freeassociation.sourceforge.net/Europe/Berlin`
    /// or `/mozilla.org/20050126_1/Europe/Berlin`.
    static func builtinZone(named name: String) -> OpaquePointer? {
        if utcNames.contains(name) { return utc }
        guard name.contains("/") || name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        if let zone = icaltimezone_get_builtin_timezone(name) { return zone }
        if name.hasPrefix("/") {
            if let zone = icaltimezone_get_builtin_timezone_from_tzid(name) { return zone }
            // Keep the last two or three path parts: Europe/Berlin, America/Indiana/Knox.
            let parts = name.split(separator: "/")
            for count in [3, 2] where parts.count > count {
                let location = parts.suffix(count).joined(separator: "/")
                if let zone = icaltimezone_get_builtin_timezone(location) { return zone }
            }
        }
        return nil
    }

    /// The time in a DATE or DATE-TIME property, with its zone set from TZID; nil when the
    /// value is of another type. A TZID nobody knows leaves the time floating (validation has
    /// already refused such resources).
    static func time(of property: OpaquePointer, zones: ZoneTable) -> icaltimetype? {
        guard let value = icalproperty_get_value(property) else { return nil }
        let kind = icalvalue_isa(value)
        guard kind == ICAL_DATETIME_VALUE || kind == ICAL_DATE_VALUE else { return nil }
        return zoned(icalvalue_get_datetime(value), property: property, zones: zones)
    }

    /// Sets the zone of a time read from `property` from its TZID parameter.
    static func zoned(_ time: icaltimetype, property: OpaquePointer, zones: ZoneTable) -> icaltimetype {
        var time = time
        if time.is_date == 0, icaltime_is_utc(time) == 0, let tzid = LibICal.tzid(of: property) {
            time.zone = zones.zone(forTZID: tzid)
        }
        if time.is_date != 0 { time.zone = nil }
        return time
    }

    /// The instant a time stands for; floating times and dates are placed in `floating`.
    static func date(_ time: icaltimetype, floating: FloatingZone) -> Date {
        if let zone = time.zone, time.is_date == 0 {
            return instant(time, in: zone)
        }
        if let zone = floating.zone {
            return instant(time, in: zone)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = floating.timeZone
        let components = DateComponents(year: Int(time.year), month: Int(time.month), day: Int(time.day),
                                        hour: Int(time.hour), minute: Int(time.minute),
                                        second: Int(time.second))
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    /// The last year whose zone offsets libical is asked for. It keeps a zone's changes only up
    /// to a fixed year (2582) and, asked about a later time, expands them all again from the
    /// zone's first rule, every time: a calendar object with an end in year 7240 cost seconds
    /// per query.
    ///
    /// Limitation: a time after 2500 takes the offset its wall-clock time has in 2500, so a
    /// zone's rule that changes after 2500 (in a VTIMEZONE written that way) is not followed.
    static let lastZoneYear: Int32 = 2500

    /// The instant of a wall-clock time in a libical zone.
    static func instant(_ time: icaltimetype, in zone: OpaquePointer) -> Date {
        var time = time
        time.is_date = 0
        guard time.year > lastZoneYear else {
            return Date(timeIntervalSince1970: TimeInterval(icaltime_as_timet_with_zone(time, zone)))
        }
        var near = time
        near.year = lastZoneYear
        if near.month == 2 && near.day == 29 { near.day = 28 }
        // icaltime_as_timet reads the fields as UTC whatever the zone: the wall clock's seconds.
        let offset = icaltime_as_timet(near) - icaltime_as_timet_with_zone(near, zone)
        return Date(timeIntervalSince1970: TimeInterval(icaltime_as_timet(time) - offset))
    }

    /// The UTC DATE-TIME for an instant, as libical writes it with a trailing `Z`.
    static func utcTime(_ date: Date) -> icaltimetype {
        icaltime_from_timet_with_zone(time_t(date.timeIntervalSince1970.rounded(.down)), 0, utc)
    }

    /// A DATE with the given calendar fields.
    static func dateValue(year: Int32, month: Int32, day: Int32) -> icaltimetype {
        var time = icaltime_null_date()
        time.year = year
        time.month = month
        time.day = day
        time.is_date = 1
        return time
    }

    /// The seconds of a duration that are exact (hours, minutes, seconds), signed.
    static func exactSeconds(_ duration: icaldurationtype) -> TimeInterval {
        let seconds = Int(duration.hours) * 3600 + Int(duration.minutes) * 60 + Int(duration.seconds)
        return TimeInterval(duration.is_neg != 0 ? -seconds : seconds)
    }

    /// The days of a duration that are nominal (days and weeks), signed.
    static func nominalDays(_ duration: icaldurationtype) -> Int32 {
        let days = Int32(duration.days) + Int32(duration.weeks) * 7
        return duration.is_neg != 0 ? -days : days
    }

    /// `start` plus a duration: days and weeks move the wall clock in the start's zone (so one
    /// day is 23 or 25 hours across a DST change), hours, minutes and seconds are exact
    /// (RFC 5545 section 3.3.6).
    static func adding(_ duration: icaldurationtype, to start: icaltimetype, floating: FloatingZone) -> Date {
        var local = start
        local.day += nominalDays(duration)
        if duration.days != 0 || duration.weeks != 0 { local = icaltime_normalize(local) }
        return date(local, floating: floating).addingTimeInterval(exactSeconds(duration))
    }

    /// The whole days from one DATE to another.
    static func daysBetween(_ start: icaltimetype, _ end: icaltimetype) -> Int32 {
        var start = start, end = end
        start.zone = nil
        end.zone = nil
        return Int32((icaltime_as_timet(end) - icaltime_as_timet(start)) / 86_400)
    }

    /// `start` moved by whole days on its own calendar.
    static func addingDays(_ days: Int32, to start: icaltimetype) -> icaltimetype {
        var local = start
        local.day += days
        return icaltime_normalize(local)
    }
}
