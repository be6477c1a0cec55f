/// The one-class-against-the-rest curves behind W&B's `plot.pr_curve` and `plot.roc_curve`, computed
/// as scikit-learn computes them (`precision_recall_curve`, `roc_curve` with its default
/// `drop_intermediate`), and the table helpers W&B applies after (pandas' `round(3)`, scikit-learn's
/// stratified `resample` down to `Table.maximumLoggedRows`).
enum ClassifierCurve {
    /// Counts at each distinct score, highest score first (scikit-learn's
    /// `confusion_matrix_at_thresholds`): true and false positives when every sample scoring at
    /// least that much counts as positive.
    static func counts(positive: [Bool], scores: [Double]) -> (truePositives: [Double], falsePositives: [Double]) {
        // Stable order by descending score; ties collapse into one threshold, so their order is moot.
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives: [Double] = []
        var falsePositives: [Double] = []
        var running = 0.0
        for (rank, sample) in order.enumerated() {
            if positive[sample] { running += 1 }
            let last = rank == order.count - 1
            if last || scores[order[rank + 1]] != scores[sample] {
                truePositives.append(running)
                falsePositives.append(Double(1 + rank) - running)
            }
        }
        return (truePositives, falsePositives)
    }

    /// scikit-learn's `roc_curve` (false and true positive rates), intermediate collinear points
    /// dropped, starting at (0, 0). Without positives (negatives) the true (false) positive rates are
    /// NaN, 0 / 0, as scikit-learn's.
    static func roc(positive: [Bool], scores: [Double]) -> (falsePositiveRate: [Double], truePositiveRate: [Double]) {
        var (tps, fps) = counts(positive: positive, scores: scores)
        if fps.count > 2 {
            var kept = [0]
            for index in 1..<(fps.count - 1) {
                let fpsBend = fps[index + 1] - 2 * fps[index] + fps[index - 1]
                let tpsBend = tps[index + 1] - 2 * tps[index] + tps[index - 1]
                if fpsBend != 0 || tpsBend != 0 { kept.append(index) }
            }
            kept.append(fps.count - 1)
            tps = kept.map { tps[$0] }
            fps = kept.map { fps[$0] }
        }
        tps.insert(0, at: 0)
        fps.insert(0, at: 0)
        let (fpsTotal, tpsTotal) = (fps[fps.count - 1], tps[tps.count - 1])
        return (fps.map { $0 / fpsTotal }, tps.map { $0 / tpsTotal })
    }

    /// W&B's precision at each of `recallGrid` (`pr_curve`): scikit-learn's
    /// `precision_recall_curve`, precision made monotonic (a running maximum from full recall down),
    /// then for each grid recall the precision at the first curve point whose recall reaches it
    /// (`numpy.searchsorted(side="left")`). Needs at least one positive sample.
    static func interpolatedPrecision(positive: [Bool], scores: [Double], recallGrid: [Double]) -> [Double] {
        let (tps, fps) = counts(positive: positive, scores: scores)
        let totalPositives = tps[tps.count - 1]
        // precision_recall_curve's order: lowest threshold first, then the point (recall 0, precision 1).
        var precision: [Double] = tps.indices.reversed().map { index in
            let predicted = tps[index] + fps[index]
            return predicted != 0 ? tps[index] / predicted : 0
        }
        precision.append(1)
        var recall: [Double] = tps.reversed().map { $0 / totalPositives }
        recall.append(0)
        for index in precision.indices.dropFirst() { precision[index] = max(precision[index], precision[index - 1]) }
        precision.reverse()
        recall.reverse()
        return recallGrid.map { target in
            // The first recall >= target (recall ascends), as searchsorted(side="left").
            var (low, high) = (0, recall.count)
            while low < high {
                let middle = (low + high) / 2
                if recall[middle] < target { low = middle + 1 } else { high = middle }
            }
            return precision[min(low, precision.count - 1)]
        }
    }

    /// numpy's `linspace(0, 1, count)`, highest first (W&B's recall grid).
    static func descendingGrid(_ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [0] : [] }
        let step = 1.0 / Double(count - 1)
        var grid = (0..<count).map { Double($0) * step }
        grid[count - 1] = 1
        return grid.reversed()
    }

    /// pandas' and numpy's `round(value, 3)`: scaled, rounded half to even, scaled back.
    static func round3(_ value: Double) -> Double {
        (value * 1000).rounded(.toNearestOrEven) / 1000
    }

    /// The rows scikit-learn's `resample(rows, replace=False, n_samples=count, random_state=42,
    /// stratify=classes)` keeps, as indices in ascending order: each class's share by numpy's
    /// `_approximate_mode`, then a random choice within each class.
    static func stratifiedSample<Label: Comparable & Hashable>(classes: [Label], count: Int) -> [Int] {
        var generator = MersenneTwister(seed: 42)
        let labels = Array(Set(classes)).sorted()
        var members: [Label: [Int]] = [:]
        for (row, label) in classes.enumerated() { members[label, default: []].append(row) }
        let sizes = labels.map { members[$0]?.count ?? 0 }
        let shares = approximateMode(sizes, draws: count, generator: &generator)
        var chosen: [Int] = []
        chosen.reserveCapacity(count)
        for (label, share) in zip(labels, shares) {
            let rows = members[label] ?? []
            chosen += generator.permutation(rows.count).prefix(share).map { rows[$0] }
        }
        return chosen.sorted()
    }

    /// scikit-learn's `_approximate_mode`: `draws` split in proportion to `sizes`, floored, and the
    /// rest given to the largest remainders, ties broken at random.
    static func approximateMode(_ sizes: [Int], draws: Int, generator: inout MersenneTwister) -> [Int] {
        let total = Double(sizes.reduce(0, +))
        let continuous = sizes.map { Double($0) / total * Double(draws) }
        var floored = continuous.map { $0.rounded(.down) }
        var needed = draws - Int(floored.reduce(0, +))
        guard needed > 0 else { return floored.map { Int($0) } }
        let remainders = zip(continuous, floored).map { $0 - $1 }
        for value in Set(remainders).sorted(by: >) {
            let tied = remainders.indices.filter { remainders[$0] == value }
            let adding = min(tied.count, needed)
            for pick in generator.permutation(tied.count).prefix(adding) { floored[tied[pick]] += 1 }
            needed -= adding
            if needed == 0 { break }
        }
        return floored.map { Int($0) }
    }
}
