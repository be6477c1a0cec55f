import Cohort
import Foundation

/// One value of every media type, made from the training progress (for `--media`).
enum MediaSamples {
    static func row(step: Int, progress: Double, loss: Double) throws -> [String: any Loggable] {
        let (width, height) = (32, 24)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let base = (y * width + x) * 3
                pixels[base] = UInt8(255 * x / (width - 1))
                pixels[base + 1] = UInt8(255 * y / (height - 1))
                pixels[base + 2] = UInt8(255 * progress)
            }
        }
        let weights = (0..<1_000).map { index in sin(Double(index) * 0.37) * (1 - progress / 2) }
        var predictions = try Table(columns: ["step", "label", "score", "correct", "sample"])
        let image = Image(pixels: pixels, width: width, height: height, channels: 3)
        try predictions.addData(step, "cat", 0.5 + progress / 2, progress > 0.5, image)
        try predictions.addData(step, "dog", 1 - progress / 2, true, image)
        let tone = (0..<4_000).map { Float(sin(Double($0) * 0.0628 * (1 + progress)) * 0.5) }
        let frames = (0..<4).flatMap { frame in pixels.map { $0 &+ UInt8(frame * 40) } }
        let (truth, scores) = evaluation(progress: progress)
        return [
            "media/sample": Image(pixels: pixels, width: width, height: height, channels: 3, caption: "step \(step)"),
            "media/weights": try Histogram(weights),
            "media/predictions": predictions,
            "media/report": Html("<h3>Step \(step)</h3><p>loss \(String(format: "%.3f", loss))</p>"),
            "media/tone": Audio(samples: tone, sampleRate: 8_000, caption: "step \(step)"),
            "media/rollout": Video(frames: frames, count: 4, width: width, height: height, channels: 3, fps: 4),
            "media/scene": try scene(progress: progress),
            "media/pr": try CustomChart.precisionRecall(yTrue: truth, yProbas: scores, labels: ["cat", "dog", "bird"]),
            "media/roc": try CustomChart.rocCurve(yTrue: truth, yProbas: scores, labels: ["cat", "dog", "bird"]),
        ]
    }

    /// 60 samples of three classes whose scores sharpen as training goes on.
    static func evaluation(progress: Double) -> (truth: [Int], scores: [[Double]]) {
        let truth = (0..<60).map { $0 % 3 }
        let scores = truth.enumerated().map { index, label in
            let noise = (0..<3).map { column in (sin(Double(index * 7 + column * 13)) + 1) / 2 }
            return (0..<3).map { column in column == label ? noise[column] * (1 - progress) + progress : noise[column] * (1 - progress / 2) }
        }
        return (truth, scores)
    }

    /// A ring of points with one box moving along it and an arrow showing its heading.
    static func scene(progress: Double) throws -> Object3D {
        let points = (0..<200).map { index -> [Double] in
            let angle = Double(index) * 0.0314
            return [5 * cos(angle), 5 * sin(angle), sin(angle * 4) * 0.3]
        }
        let angle = progress * 2 * .pi
        let center = [5 * cos(angle), 5 * sin(angle), 0.5]
        let box = try Box3D(
            center: center, size: [1.5, 0.8, 1], orientation: [cos(angle / 2), 0, 0, sin(angle / 2)], color: [255, 120, 0],
            label: "cart", score: 0.5 + progress / 2)
        let heading = Vector3D(start: center, end: [center[0] - sin(angle), center[1] + cos(angle), 0.5])
        return Object3D(points: points, boxes: [box], vectors: [heading])
    }
}
