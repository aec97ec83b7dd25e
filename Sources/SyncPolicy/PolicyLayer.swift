/// The settings stored at one level: each one either set or left to a less specific level.
public struct PolicyLayer: Sendable, Equatable {
    public private(set) var values: [PolicySetting: PolicyValue]

    public init() {
        values = [:]
    }

    /// Builds a layer from stored values, validating each one.
    public init(_ values: [PolicySetting: PolicyValue], at level: PolicyLevel) throws(PolicyError) {
        self.init()
        for (setting, value) in values {
            try set(setting, to: value, at: level)
        }
    }

    public subscript(setting: PolicySetting) -> PolicyValue? {
        values[setting]
    }

    /// Sets one value after checking that it fits the setting and that `level` may hold it.
    public mutating func set(_ setting: PolicySetting, to value: PolicyValue, at level: PolicyLevel)
        throws(PolicyError)
    {
        guard setting.settableLevels.contains(level) else {
            throw .notSettable(setting: setting, level: level)
        }
        guard value.fits(setting) else {
            throw .invalidValue(setting: setting, value: value.description)
        }
        values[setting] = value
    }

    public mutating func unset(_ setting: PolicySetting) {
        values[setting] = nil
    }
}
