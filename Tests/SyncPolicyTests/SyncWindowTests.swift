import Foundation
import Testing
@testable import SyncPolicy

@Suite("The rolling sync window")
struct SyncWindowTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test("the window starts exactly N × 24 h before now, inclusive")
    func boundary() {
        let window = SyncWindow(days: 5)
        let start = now.addingTimeInterval(-5 * 86_400)
        #expect(window.start(at: now) == start)
        #expect(window.contains(start, at: now))
        #expect(!window.contains(start.addingTimeInterval(-1), at: now))
        #expect(window.contains(now.addingTimeInterval(3600), at: now))
    }

    @Test("as the clock moves, an item leaves the window at the exact second")
    func slides() {
        let clock = ManualClock(now)
        let window = SyncWindow(days: 1)
        let item = now.addingTimeInterval(-3600)
        #expect(window.contains(item, at: clock.now()))
        clock.advance(by: 23 * 3600)
        #expect(window.contains(item, at: clock.now()))
        clock.advance(by: 1)
        #expect(!window.contains(item, at: clock.now()))
    }
}
