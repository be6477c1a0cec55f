extension CustomChart {
    /// W&B's `plot.confusion_matrix`: one table row per (actual, predicted) pair of classes with the
    /// number of predictions, drawn by `wandb/confusion_matrix/v1`.
    ///
    /// ```swift
    /// try run.log(["confusion": CustomChart.confusionMatrix(actual: labels, predicted: guesses, classNames: ["cat", "dog"])])
    /// ```
    /// - Parameters:
    ///   - actual: the true class of each sample (an index into `classNames` when given).
    ///   - predicted: the predicted class of each sample.
    ///   - classNames: the names of the classes; without them, the classes seen are named
    ///     `Class_1`, `Class_2`, … in sorted order, as W&B does.
    /// - Throws: `CohortError` `.invalidArgument` when the counts differ or a class id has no name.
    public static func confusionMatrix(
        actual: [Int], predicted: [Int], classNames: [String]? = nil, title: String = "Confusion Matrix Curve",
        splitTable: Bool = false
    ) throws(CohortError) -> CustomChart {
        guard actual.count == predicted.count else {
            throw .invalid("confusionMatrix: \(predicted.count) predictions for \(actual.count) true labels; they must be equal")
        }
        let classes: [Int]
        let names: [String]
        if let classNames {
            guard Set(predicted).count <= classNames.count, Set(actual).count <= classNames.count else {
                throw .invalid("confusionMatrix: more distinct classes than the \(classNames.count) class names")
            }
            classes = Array(0..<classNames.count)
            names = classNames
        } else {
            classes = Set(actual).union(predicted).sorted()
            names = classes.indices.map { "Class_\($0 + 1)" }
        }
        var position: [Int: Int] = [:]
        for (index, value) in classes.enumerated() { position[value] = index }
        var counts = [[Double]](repeating: [Double](repeating: 0, count: classes.count), count: classes.count)
        for (truth, guess) in zip(actual, predicted) {
            guard let row = position[truth], let column = position[guess] else {
                throw .invalid("confusionMatrix: class \(position[truth] == nil ? truth : guess) has no name; class ids index classNames")
            }
            counts[row][column] += 1
        }
        var table = try Table(columns: ["Actual", "Predicted", "nPredictions"])
        for row in classes.indices {
            for column in classes.indices { try table.addData(names[row], names[column], counts[row][column]) }
        }
        return CustomChart(
            vegaSpecName: "wandb/confusion_matrix/v1", table: table,
            fields: ["Actual": "Actual", "Predicted": "Predicted", "nPredictions": "nPredictions"],
            stringFields: ["title": title], splitTable: splitTable)
    }
}
