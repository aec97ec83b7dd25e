import Testing
@testable import ServerCore

@Suite("Login throttling")
struct LoginThrottleTests {
    @Test("failures double the delay up to the maximum")
    func delays() {
        let throttle = LoginThrottle(window: 600, base: 0.25, maximum: 5)
        let delays = (0..<7).map { throttle.failed(address: "a@example.org", ip: "192.0.2.1", now: Double($0)) }
        #expect(delays == [0.25, 0.5, 1, 2, 4, 5, 5])
    }

    @Test("after the address limit, logins are refused until the oldest failure leaves the window")
    func addressLimit() {
        let throttle = LoginThrottle(window: 600, base: 0, maximum: 0, addressLimit: 3, ipLimit: 100)
        for second in 0..<3 {
            #expect(throttle.refusal(address: "a@example.org", ip: "192.0.2.1", now: Double(second)) == nil)
            _ = throttle.failed(address: "A@example.org", ip: "192.0.2.\(second)", now: Double(second))
        }
        #expect(throttle.refusal(address: "a@example.org", ip: "192.0.2.9", now: 10) == 590)
        #expect(throttle.refusal(address: "b@example.org", ip: "192.0.2.9", now: 10) == nil)
        #expect(throttle.refusal(address: "a@example.org", ip: "192.0.2.9", now: 600) == nil)
    }

    @Test("after the IP limit, every address from that IP is refused, but loopback never is")
    func ipLimit() {
        let throttle = LoginThrottle(window: 600, base: 0, maximum: 0, addressLimit: 100, ipLimit: 2)
        for ip in ["192.0.2.7", "127.0.0.1"] {
            _ = throttle.failed(address: "x@example.org", ip: ip, now: 0)
            _ = throttle.failed(address: "y@example.org", ip: ip, now: 1)
        }
        #expect(throttle.refusal(address: "z@example.org", ip: "192.0.2.7", now: 2) == 598)
        #expect(throttle.refusal(address: "z@example.org", ip: "127.0.0.1", now: 2) == nil)
    }

    @Test("a success clears the address's count")
    func success() {
        let throttle = LoginThrottle(window: 600, base: 0, maximum: 0, addressLimit: 2, ipLimit: 100)
        _ = throttle.failed(address: "a@example.org", ip: "192.0.2.1", now: 0)
        _ = throttle.failed(address: "a@example.org", ip: "192.0.2.1", now: 1)
        #expect(throttle.refusal(address: "a@example.org", ip: "192.0.2.1", now: 2) != nil)
        throttle.succeeded(address: "a@example.org")
        #expect(throttle.refusal(address: "a@example.org", ip: "192.0.2.1", now: 2) == nil)
    }
}

@Suite("Repeated events in the log")
struct RepeatLimiterTests {
    @Test("one line per key and interval, with the count of the lines left out")
    func limits() {
        let limiter = RepeatLimiter(interval: 60, capacity: 2)
        #expect(limiter.admit("a", now: 0) == 0)
        #expect(limiter.admit("a", now: 1) == nil)
        #expect(limiter.admit("a", now: 59) == nil)
        #expect(limiter.admit("b", now: 59) == 0, "another key is logged at once")
        #expect(limiter.admit("a", now: 60) == 2)
        #expect(limiter.admit("a", now: 61) == nil)
        // Past capacity, keys whose interval has run out are forgotten; live ones are kept.
        #expect(limiter.admit("c", now: 130) == 0)
        #expect(limiter.admit("c", now: 131) == nil)
    }
}
