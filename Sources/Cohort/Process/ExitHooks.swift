import Dispatch
import Glibc
import Synchronization

/// Finishes live runs when the process exits normally (`atexit`) or receives SIGINT or SIGTERM.
///
/// A signal is handled only when its disposition was the default, so a program's own handlers are
/// left alone. After finishing the runs, the default disposition is restored and the signal raised
/// again, so the process ends the way it would have without Cohort.
final class ExitHooks: Sendable {
    static let shared = ExitHooks()

    private struct State {
        var runs: [ObjectIdentifier: Run] = [:]
        var atExitInstalled = false
        var signalSources: [any DispatchSourceSignal] = []
        var atExitRuns: Set<ObjectIdentifier> = []
    }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "cohort.signals")

    func register(_ run: Run, handleSignals: Bool, finishAtExit: Bool) {
        let installAtExit: Bool = state.withLock { state in
            state.runs[ObjectIdentifier(run)] = run
            if finishAtExit { state.atExitRuns.insert(ObjectIdentifier(run)) }
            defer { if finishAtExit { state.atExitInstalled = true } }
            return finishAtExit && !state.atExitInstalled
        }
        if installAtExit { atexit { ExitHooks.shared.finishAll(exitCode: 0, atExitOnly: true) } }
        if handleSignals { installSignalHandlers() }
    }

    func unregister(_ run: Run) {
        _ = state.withLock { state in
            state.atExitRuns.remove(ObjectIdentifier(run))
            return state.runs.removeValue(forKey: ObjectIdentifier(run))
        }
    }

    private func installSignalHandlers() {
        state.withLock { state in
            guard state.signalSources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                var current = sigaction()
                guard sigaction(signalNumber, nil, &current) == 0 else { continue }
                // Only take over signals nobody else handles.
                guard unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_DFL, to: Int.self)
                else { continue }
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler {
                    ExitHooks.shared.finishAll(exitCode: 128 + signalNumber, atExitOnly: false)
                    signal(signalNumber, SIG_DFL)
                    raise(signalNumber)
                }
                source.resume()
                state.signalSources.append(source)
            }
        }
    }

    func finishAll(exitCode: Int32, atExitOnly: Bool) {
        let runs = state.withLock { state in
            state.runs.filter { !atExitOnly || state.atExitRuns.contains($0.key) }.map(\.value)
        }
        for run in runs { run.finishBlocking(exitCode: exitCode) }
    }
}
