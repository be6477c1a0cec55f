extension CustomChart {
    /// W&B's `plot.pr_curve`: one precision-recall curve per class (that class against the rest),
    /// as a table of `class`, `precision`, `recall` drawn by `wandb/area-under-curve/v0`.
    ///
    /// Precision is made monotonic and read at `interpolationSize` recalls evenly spaced from 1 down
    /// to 0; values are rounded to 3 decimals, as W&B does. A table over `Table.maximumLoggedRows`
    /// rows keeps the rows W&B's stratified sample keeps (scikit-learn's `resample` with seed 42).
    ///
    /// ```swift
    /// let chart = try CustomChart.precisionRecall(
    ///     yTrue: [0, 1, 1, 0], yProbas: [[0.9, 0.1], [0.3, 0.7], [0.2, 0.8], [0.6, 0.4]], labels: ["ham", "spam"])
    /// try run.log(["pr": chart])
    /// ```
    /// - Parameters:
    ///   - yTrue: the true class of each sample.
    ///   - yProbas: one row per sample with a score for each class; column `i` holds the scores of
    ///     the `i`-th smallest class in `yTrue` (W&B's convention).
    ///   - labels: names of the classes, indexed by class value; without them the class column holds
    ///     the class values.
    ///   - classesToPlot: the classes to draw; all classes in `yTrue` when `nil`.
    ///   - interpolationSize: the number of recall points per class (W&B's `interp_size`).
    /// - Throws: `CohortError` `.invalidArgument` naming the argument: no samples, counts that differ,
    ///   rows of unequal length, a missing score column, a non-finite score, a class without a label,
    ///   or no class to plot.
    public static func precisionRecall(
        yTrue: [Int], yProbas: [[Double]], labels: [String]? = nil, classesToPlot: [Int]? = nil, interpolationSize: Int = 21,
        title: String = "Precision-Recall Curve", splitTable: Bool = false
    ) throws(CohortError) -> CustomChart {
        guard interpolationSize >= 1 else {
            throw .invalid("precisionRecall: interpolationSize is \(interpolationSize); it must be at least 1")
        }
        let plotted = try curveClasses("precisionRecall", yTrue: yTrue, yProbas: yProbas, labels: labels, classesToPlot: classesToPlot)
        let grid = ClassifierCurve.descendingGrid(interpolationSize)
        var curves = CurveSeries()
        for curveClass in plotted {
            let precision = ClassifierCurve.interpolatedPrecision(
                positive: yTrue.map { $0 == curveClass.value }, scores: yProbas.map { $0[curveClass.column] }, recallGrid: grid)
            curves.set(curveClass.label, precision, grid)
        }
        return CustomChart(
            vegaSpecName: "wandb/area-under-curve/v0", table: try curves.table(columns: ["class", "precision", "recall"]),
            fields: ["x": "recall", "y": "precision", "class": "class"],
            stringFields: ["title": title, "x-axis-title": "Recall", "y-axis-title": "Precision"], splitTable: splitTable)
    }

    /// W&B's `plot.roc_curve`: one ROC curve per class (that class against the rest), as a table of
    /// `class`, `fpr`, `tpr` drawn by `wandb/area-under-curve/v0`.
    ///
    /// The points are scikit-learn's `roc_curve` (collinear points dropped, starting at (0, 0)),
    /// rounded to 3 decimals; a table over `Table.maximumLoggedRows` rows keeps the rows W&B's
    /// stratified sample keeps (scikit-learn's `resample` with seed 42). A class without negatives
    /// (`yTrue` holds that class only) has a false positive rate of NaN (0 / 0), as scikit-learn and
    /// W&B give it.
    ///
    /// ```swift
    /// try run.log(["roc": CustomChart.rocCurve(yTrue: truth, yProbas: probabilities, labels: ["cat", "dog", "bird"])])
    /// ```
    /// - Parameters:
    ///   - yTrue: the true class of each sample.
    ///   - yProbas: one row per sample with a score for each class; column `i` holds the scores of
    ///     the `i`-th smallest class in `yTrue` (W&B's convention).
    ///   - labels: names of the classes, indexed by class value; without them the class column holds
    ///     the class values.
    ///   - classesToPlot: the classes to draw; all classes in `yTrue` when `nil`.
    /// - Throws: `CohortError` `.invalidArgument` naming the argument, as `precisionRecall`.
    public static func rocCurve(
        yTrue: [Int], yProbas: [[Double]], labels: [String]? = nil, classesToPlot: [Int]? = nil, title: String = "ROC Curve",
        splitTable: Bool = false
    ) throws(CohortError) -> CustomChart {
        let plotted = try curveClasses("rocCurve", yTrue: yTrue, yProbas: yProbas, labels: labels, classesToPlot: classesToPlot)
        var curves = CurveSeries()
        for curveClass in plotted {
            let (fpr, tpr) = ClassifierCurve.roc(positive: yTrue.map { $0 == curveClass.value }, scores: yProbas.map { $0[curveClass.column] })
            curves.set(curveClass.label, fpr, tpr)
        }
        return CustomChart(
            vegaSpecName: "wandb/area-under-curve/v0", table: try curves.table(columns: ["class", "fpr", "tpr"]),
            fields: ["x": "fpr", "y": "tpr", "class": "class"],
            stringFields: ["title": title, "x-axis-title": "False positive rate", "y-axis-title": "True positive rate"],
            splitTable: splitTable)
    }

    /// The classes a curve chart draws: their value, their score column in `yProbas` and their label.
    private static func curveClasses(
        _ function: String, yTrue: [Int], yProbas: [[Double]], labels: [String]?, classesToPlot: [Int]?
    ) throws(CohortError) -> [(value: Int, column: Int, label: CurveLabel)] {
        guard !yTrue.isEmpty else { throw .invalid("\(function): yTrue is empty; give the true class of each sample") }
        guard yProbas.count == yTrue.count else {
            throw .invalid("\(function): yProbas has \(yProbas.count) rows for \(yTrue.count) samples in yTrue; they must be equal")
        }
        let width = yProbas[0].count
        if let row = yProbas.firstIndex(where: { $0.count != width }) {
            throw .invalid("\(function): yProbas row \(row) has \(yProbas[row].count) scores, row 0 has \(width); all rows need one score per class")
        }
        let classes = Set(yTrue).sorted()
        let wanted = classesToPlot.map(Set.init)
        var plotted: [(value: Int, column: Int, label: CurveLabel)] = []
        for (column, value) in classes.enumerated() where wanted?.contains(value) ?? true {
            guard column < width else {
                throw .invalid("\(function): yProbas has \(width) columns; class \(value) is class number \(column) (from 0) in yTrue and reads column \(column)")
            }
            if let row = yProbas.firstIndex(where: { !$0[column].isFinite }) {
                throw .invalid("\(function): yProbas row \(row) has a non-finite score (\(yProbas[row][column])) in column \(column)")
            }
            var label = CurveLabel.number(value)
            if let labels {
                guard labels.indices.contains(value) else {
                    throw .invalid("\(function): class \(value) has no name in labels (\(labels.count) names); labels are indexed by class value")
                }
                label = .text(labels[value])
            }
            plotted.append((value, column, label))
        }
        guard !plotted.isEmpty else {
            throw .invalid("\(function): none of classesToPlot \(classesToPlot ?? []) occurs in yTrue; nothing to plot")
        }
        return plotted
    }
}
