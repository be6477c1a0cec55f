// example-train: a synthetic training loop that logs with Cohort.
//
//   swift run example-train --steps 200 --project demo
//
// Settings not given as options come from the environment (COHORT_* or WANDB_*: COHORT_DIR,
// COHORT_MODE, COHORT_RUN_GROUP, …). It logs a falling loss and a rising accuracy with config,
// summary and a saved file, then prints where the run is. `--media` also logs an image, a histogram,
// a table, HTML, audio and a video every 10 steps.
import Cohort
import Foundation

struct Options {
    var steps = 100
    var project: String?
    var name: String?
    var group: String?
    var stepDelay: Double = 0
    var failAt: Int?
    var media = false

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--steps": options.steps = iterator.next().flatMap(Int.init) ?? options.steps
            case "--project": options.project = iterator.next()
            case "--name": options.name = iterator.next()
            case "--group": options.group = iterator.next()
            case "--step-delay": options.stepDelay = iterator.next().flatMap(Double.init) ?? 0
            case "--fail-at": options.failAt = iterator.next().flatMap(Int.init)
            case "--media": options.media = true
            case "--help", "-h":
                print("usage: example-train [--steps N] [--project P] [--name N] [--group G] [--step-delay SECONDS] [--media]")
                exit(0)
            default:
                FileHandle.standardError.write(Data("example-train: unknown option \(argument)\n".utf8))
                exit(2)
            }
        }
        return options
    }
}

let options = Options.parse(CommandLine.arguments)
let learningRate = 0.01
let environment = Settings.fromEnvironment()
let run = try await Run.start(
    project: options.project ?? environment.project ?? "cohort-demo",
    group: options.group, jobType: environment.jobType ?? "train", name: options.name,
    config: ["lr": learningRate, "steps": options.steps, "model": ["layers": 4, "width": 256], "optimizer": "adam"])

try run.defineMetric("val/acc", summary: [.max, .last])
try run.defineMetric("val/loss", summary: [.min])

var generator = SystemRandomNumberGenerator()
var bestAccuracy = 0.0
for step in 0..<options.steps {
    let progress = Double(step + 1) / Double(options.steps)
    let noise = Double.random(in: -0.02...0.02, using: &generator)
    let loss = 2.3 * exp(-4 * progress) + 0.05 + noise
    let accuracy = min(0.99, 0.1 + 0.88 * (1 - exp(-5 * progress)) + noise / 2)
    try run.log(["train/loss": loss, "train/acc": accuracy, "lr": learningRate * (1 - progress / 2)])
    if step % 10 == 9 {
        try run.log(["val/loss": loss * 1.1, "val/acc": accuracy * 0.97, "epoch": step / 10], commit: false)
        bestAccuracy = max(bestAccuracy, accuracy * 0.97)
        if options.media { try run.log(try MediaSamples.row(step: step, progress: progress, loss: loss), commit: false) }
    }
    if options.failAt == step {
        print("example-train: simulated failure at step \(step)")
        await run.finish(exitCode: 1)
        exit(1)
    }
    if options.stepDelay > 0 { try await Task.sleep(for: .seconds(options.stepDelay)) }
}

run.summary.set("best_val_acc", bestAccuracy)
let notes = "Synthetic run of \(options.steps) steps, best validation accuracy \(bestAccuracy)\n"
let notesFile = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-\(run.id)-notes.txt").path
try notes.write(toFile: notesFile, atomically: true, encoding: .utf8)
try run.save(notesFile, basePath: (notesFile as NSString).deletingLastPathComponent, policy: .now)
print("example-train: logged \(options.steps) steps to run \(run.id) (\(run.path))")
await run.finish()
print("example-train: run directory \(run.syncDir)")
print("example-train: files in \(run.dir)")
if let url = run.url { print("example-train: run page \(url)") }
