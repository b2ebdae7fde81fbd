import Messages
/// "Did you mean …": the known name nearest to what was typed, for every place a name is taken
/// (calls, forms, tables, units, template keys).
public enum Suggestion {
    /// The candidate nearest to `reference` by edit distance, if within `within` edits (by
    /// default a third of its length, at least 2); one containing the other counts as near.
    public static func nearest(_ reference: String, among candidates: [String], within: Int? = nil) -> String? {
        let limit = within ?? max(2, reference.count / 3)
        var best: (Int, String)?
        for candidate in candidates where !candidate.isEmpty && candidate != reference {
            let d = candidate.contains(reference) || reference.contains(candidate) ? 1 : distance(candidate, reference)
            if d <= limit, best.map({ (d, candidate) < $0 }) ?? true { best = (d, candidate) }
        }
        return best?.1
    }

    /// Edit distance (Levenshtein, by characters).
    static func distance(_ a: String, _ b: String) -> Int {
        let (x, y) = (Array(a), Array(b))
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var row = Array(0...y.count)
        for i in 1...x.count {
            var previous = row[0]
            row[0] = i
            for j in 1...y.count {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[y.count]
    }

    /// " (did you mean 'X'?)", or "".
    public static func phrase(_ reference: String, among candidates: [String]) -> String {
        nearest(reference, among: candidates).map { Message.didYouMean.text($0) } ?? ""
    }
}
