/// Prometheus' text format, one metric at a time: its HELP and TYPE lines, then its samples.
enum Exposition {
    /// `samples` are (labels, value): labels already written as `{name="value",…}`, or "".
    static func metric(_ name: String, _ type: String, _ help: String, samples: [(String, String)]) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for (labels, value) in samples { out += "\(name)\(labels) \(value)\n" }
        return out
    }

    static func metric(_ name: String, _ type: String, _ help: String, _ value: some CustomStringConvertible) -> String {
        metric(name, type, help, samples: [("", value.description)])
    }
}
