import Foundation
import Glibc
import Synchronization

/// Finishes live runs when the process exits normally (`atexit`) or receives SIGINT or SIGTERM.
///
/// A signal is handled only when its disposition was the default, so a program's own handlers are
/// left alone. The handler only writes the signal number to a pipe (async-signal-safe); a thread
/// reading the pipe finishes the runs, restores the default disposition and raises the signal again,
/// so the process ends the way it would have without Cohort.
final class ExitHooks: Sendable {
    static let shared = ExitHooks()

    private struct State {
        var runs: [ObjectIdentifier: Run] = [:]
        var atExitRuns: Set<ObjectIdentifier> = []
        var atExitInstalled = false
        var signalsInstalled = false
    }

    private let state = Mutex(State())

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

    func finishAll(exitCode: Int32, atExitOnly: Bool) {
        let runs = state.withLock { state in
            state.runs.filter { !atExitOnly || state.atExitRuns.contains($0.key) }.map(\.value)
        }
        for run in runs { run.finishBlocking(exitCode: exitCode) }
    }

    private func installSignalHandlers() {
        let install = state.withLock { state in
            defer { state.signalsInstalled = true }
            return !state.signalsInstalled
        }
        guard install else { return }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        signalPipeWriteEnd = ends[1]
        var installed: [Int32] = []
        for signalNumber in [SIGINT, SIGTERM] where Self.hasDefaultDisposition(signalNumber) {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signalNumber in
                var byte = UInt8(truncatingIfNeeded: signalNumber)
                _ = write(signalPipeWriteEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            if sigaction(signalNumber, &action, nil) == 0 { installed.append(signalNumber) }
        }
        guard !installed.isEmpty else { return }
        let readEnd = ends[0]
        let handledSignals = installed
        let thread = Thread {
            // Dispatch's worker threads block every signal, and with an async main the process's main
            // thread is gone; unblock the handled signals here so the kernel has a thread to deliver to.
            var handled = sigset_t()
            sigemptyset(&handled)
            for signalNumber in handledSignals { sigaddset(&handled, signalNumber) }
            pthread_sigmask(SIG_UNBLOCK, &handled, nil)
            while true {
                var byte: UInt8 = 0
                let count = read(readEnd, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else { return }
                let signalNumber = Int32(byte)
                ExitHooks.shared.finishAll(exitCode: 128 + signalNumber, atExitOnly: false)
                signal(signalNumber, SIG_DFL)
                raise(signalNumber)
            }
        }
        thread.name = "cohort-signals"
        thread.start()
    }

    private static func hasDefaultDisposition(_ signalNumber: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signalNumber, nil, &current) == 0 else { return false }
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_DFL, to: Int.self)
    }
}

// SAFETY: written once, before any handler that reads it is installed, and never again; the signal
// handler may only touch plain memory, so it cannot take a lock to read it.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
