import Cohort
import CohortTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The package's root directory (this file is Tests/CohortCLITests/KubernetesManifestTests.swift).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The Python that parses the manifests; PyYAML comes from Debian's python3-yaml (scripts/setup.sh).
private let python = "/usr/bin/python3"

private struct ManifestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Every YAML document of `relativePath`, parsed by PyYAML and handed over as JSON.
private func manifest(_ relativePath: String) throws -> [JSONValue] {
    let script = "import json, sys, yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1]))), sys.stdout)"
    let result = try ChildProcess.run(python, ["-c", script, packageRoot + "/" + relativePath])
    guard result.status == 0 else {
        throw ManifestError(
            "\(relativePath) not parsed (PyYAML missing? apt-get install python3-yaml): \(result.standardError)")
    }
    guard let documents = try JSONParser.parse(result.standardOutput).arrayValue else {
        throw ManifestError("\(relativePath): not a list of documents")
    }
    return documents
}

/// A TCP port on 127.0.0.1 that is free right now (pod 0's leader port, since there is no cluster DNS).
private func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ManifestError("no socket") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw ManifestError("cannot bind") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw ManifestError("cannot read the bound port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether Cohort's sources read `name`: the variable appears as a string literal, or (for settings
/// read through `COHORT_<NAME>`/`WANDB_<NAME>`) its `<NAME>` does.
private func cohortReads(_ name: String) throws -> Bool {
    let root = packageRoot + "/Sources/Cohort"
    guard let files = FileManager.default.enumerator(atPath: root) else { return false }
    let literals = ["\"\(name)\""] + (name.hasPrefix("COHORT_") ? ["\"\(name.dropFirst("COHORT_".count))\""] : [])
    for case let file as String in files where file.hasSuffix(".swift") {
        let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
        if literals.contains(where: text.contains) { return true }
    }
    return false
}

/// The container's environment as Kubernetes would build it for one pod: `fieldRef` label values
/// from `labels`, `secretKeyRef` values from `secrets` (an optional secret that is absent leaves the
/// variable unset), and `$(VAR)` expanded from the variables listed before it.
private func podEnvironment(
    _ env: [JSONValue], labels: [String: String], secrets: [String: String]
) throws -> [String: String] {
    var result: [String: String] = [:]
    for entry in env {
        let name = try #require(entry["name"]?.stringValue)
        if let value = entry["value"]?.stringValue {
            var expanded = value
            for (key, defined) in result { expanded = expanded.replacingOccurrences(of: "$(\(key))", with: defined) }
            result[name] = expanded
        } else if let path = entry["valueFrom"]?["fieldRef"]?["fieldPath"]?.stringValue {
            let prefix = "metadata.labels['"
            guard path.hasPrefix(prefix), path.hasSuffix("']") else {
                throw ManifestError("\(name): unexpected fieldRef \(path)")
            }
            let label = String(path.dropFirst(prefix.count).dropLast(2))
            result[name] = try #require(labels[label], "\(name): the pod has no label \(label)")
        } else if let secret = entry["valueFrom"]?["secretKeyRef"] {
            #expect(secret["optional"] == .bool(true), "\(name): the group token secret must be optional")
            let key = "\(secret["name"]?.stringValue ?? "")/\(secret["key"]?.stringValue ?? "")"
            if let value = secrets[key] { result[name] = value }
        } else {
            throw ManifestError("\(name): neither value, fieldRef nor secretKeyRef")
        }
    }
    return result
}

/// The one document of `kind`.
private func document(_ documents: [JSONValue], kind: String) throws -> JSONValue {
    let matching = documents.filter { $0["kind"]?.stringValue == kind }
    try #require(matching.count == 1, "expected one \(kind), found \(matching.count)")
    return matching[0]
}

/// The last history step `example-train --steps <n>` logs: its validation metrics go in with
/// `commit: false` after every tenth step, so when the last step is one of those they form one more row.
private func lastStep(ofExampleTrain command: [String]) throws -> Int64 {
    let index = try #require(command.firstIndex(of: "--steps"))
    let steps = try #require(Int64(command[index + 1]))
    return steps % 10 == 0 ? steps : steps - 1
}

@Suite("deploy/kubernetes manifests and configs/*.env", .serialized)
struct KubernetesManifestTests {
    @Test("PyYAML is installed for the manifest tests (Debian: python3-yaml)")
    func pyYAMLInstalled() throws {
        let result = try ChildProcess.run(python, ["-c", "import yaml"])
        #expect(result.status == 0, "python3 cannot import yaml; apt-get install python3-yaml: \(result.standardError)")
    }

    @Test(
        "indexed-job.yaml: a headless Service and an Indexed Job whose four simulated pods form one group with an aggregate run"
    )
    func indexedJob() throws {
        let documents = try manifest("deploy/kubernetes/indexed-job.yaml")
        #expect(Set(documents.compactMap { $0["kind"]?.stringValue }) == ["Service", "PersistentVolumeClaim", "Job"])
        let service = try document(documents, kind: "Service")
        let job = try document(documents, kind: "Job")
        #expect(service["apiVersion"] == "v1")
        #expect(job["apiVersion"] == "batch/v1")
        let serviceName = try #require(service["metadata"]?["name"]?.stringValue)
        let jobName = try #require(job["metadata"]?["name"]?.stringValue)
        #expect(service["spec"]?["clusterIP"] == "None")
        #expect(service["spec"]?["selector"]?["batch.kubernetes.io/job-name"]?.stringValue == jobName)

        let spec = try #require(job["spec"])
        #expect(spec["completionMode"] == "Indexed")
        let completions = try #require(spec["completions"]?.intValue)
        #expect(completions == 4)
        #expect(spec["parallelism"]?.intValue == completions)
        let podSpec = try #require(spec["template"]?["spec"])
        #expect(podSpec["subdomain"]?.stringValue == serviceName)
        let containers = try #require(podSpec["containers"]?.arrayValue)
        try #require(containers.count == 1)
        let container = containers[0]
        #expect(container["image"] == "cohort-example:latest")
        let command = try #require(container["command"]?.arrayValue?.compactMap { $0.stringValue })
        #expect(command == ["example-train", "--steps", "200"])
        #expect(container["args"] == nil)
        let ports = container["ports"]?.arrayValue ?? []
        #expect(ports.contains { $0["containerPort"]?.intValue == 29650 })
        #expect(service["spec"]?["ports"]?.arrayValue?.contains { $0["port"]?.intValue == 29650 } == true)

        // Exactly the variables Cohort reads; JOB_COMPLETION_INDEX and HOSTNAME come from Kubernetes.
        let env = try #require(container["env"]?.arrayValue)
        let names = env.compactMap { $0["name"]?.stringValue }
        #expect(
            names == [
                "COHORT_WORLD_SIZE", "COHORT_KUBERNETES_JOB_NAME", "COHORT_LEADER",
                "COHORT_GROUP_TOKEN", "COHORT_DIR", "COHORT_MODE",
            ])
        for name in names { #expect(try cohortReads(name), "Cohort does not read \(name)") }
        #expect(env.first { $0["name"] == "COHORT_WORLD_SIZE" }?["value"]?.stringValue == "\(completions)")
        #expect(
            env.first { $0["name"] == "COHORT_KUBERNETES_JOB_NAME" }?["valueFrom"]?["fieldRef"]?["fieldPath"]
                == "metadata.labels['batch.kubernetes.io/job-name']")
        let mountPath = try #require(container["volumeMounts"]?.arrayValue?.first?["mountPath"]?.stringValue)
        #expect(env.first { $0["name"] == "COHORT_DIR" }?["value"]?.stringValue == mountPath)

        // Simulate the pods on this host: Kubernetes' own variables, the job-name label, the token
        // secret, and COHORT_LEADER pointed at 127.0.0.1 (no cluster DNS here).
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try freePort()
        var environments: [[String: String]] = []
        for index in 0..<completions {
            var pod = try podEnvironment(
                env, labels: ["batch.kubernetes.io/job-name": jobName, "job-name": jobName],
                secrets: ["cohort-group-token/token": "k8s-secret-token"])
            #expect(pod["COHORT_LEADER"] == "\(jobName)-0.\(serviceName):29650")
            #expect(pod["COHORT_GROUP_TOKEN"] == "k8s-secret-token")
            pod["JOB_COMPLETION_INDEX"] = "\(index)"
            pod["HOSTNAME"] = "\(jobName)-\(index)"
            pod["COHORT_LEADER"] = "127.0.0.1:\(port)"
            pod["COHORT_DIR"] = directory.path
            pod["COHORT_CONSOLE"] = "off"
            environments.append(pod)
        }
        let processes = try environments.map {
            try ChildProcess.launch(ChildProcess.product("example-train"), Array(command.dropFirst()), environment: $0)
        }
        for (index, process) in processes.enumerated() {
            let result = try process.wait(timeout: .seconds(120))
            #expect(result.status == 0, "pod \(index): \(result.standardError)")
        }

        let all = LocalRun.list(under: directory.path)
        let ranks = all.filter { $0.jobType == "train" }.sorted { $0.id < $1.id }
        #expect(ranks.map(\.id) == (0..<completions).map { "\(jobName)-r\($0)" })
        #expect(ranks.compactMap(\.name) == (0..<completions).map { "\(jobName)-rank\($0)" })
        let lastStep = try lastStep(ofExampleTrain: command)
        for run in ranks {
            #expect(run.group == jobName && run.state == .finished, "\(run.id)")
            #expect(run.lastStep == lastStep, "\(run.id)")
            #expect(run.config["_cohort"]?["launcher"] == "kubernetesIndexedJob")
            #expect(run.config["_cohort"]?["world_size"] == .int(Int64(completions)))
        }
        let aggregate = try #require(all.first { $0.jobType == "group" })
        #expect(aggregate.group == jobName)
        #expect(aggregate.summary["group_state"] == "finished")
        #expect(aggregate.summary["train/loss/count"] == .double(Double(completions)))
    }

    @Test("pytorchjob.yaml: Master and Worker run torchrun; the ranks it would start in both pods form one group")
    func pytorchJob() throws {
        let documents = try manifest("deploy/kubernetes/pytorchjob.yaml")
        try #require(documents.count == 1)
        let job = documents[0]
        #expect(job["apiVersion"] == "kubeflow.org/v1")
        #expect(job["kind"] == "PyTorchJob")
        let jobName = try #require(job["metadata"]?["name"]?.stringValue)
        let perNode = try #require(job["spec"]?["nprocPerNode"]?.stringValue.flatMap { Int($0) })
        #expect(perNode == 2)
        let replicaSpecs = try #require(job["spec"]?["pytorchReplicaSpecs"]?.objectValue)
        #expect(Set(replicaSpecs.keys) == ["Master", "Worker"])
        #expect(replicaSpecs["Master"]?["replicas"]?.intValue == 1)
        #expect(replicaSpecs["Worker"]?["replicas"]?.intValue == 1)

        // Pods in the operator's order: Master 0, then the Workers.
        var pods: [JSONValue] = []
        for role in ["Master", "Worker"] {
            let spec = try #require(replicaSpecs[role])
            let replicas = try #require(spec["replicas"]?.intValue)
            let containers = try #require(spec["template"]?["spec"]?["containers"]?.arrayValue)
            try #require(containers.count == 1)
            #expect(containers[0]["name"] == "pytorch", "\(role): the operator needs the container named pytorch")
            pods += Array(repeating: containers[0], count: Int(replicas))
        }
        let nodes = pods.count
        let worldSize = nodes * perNode
        let first = pods[0]
        #expect(first["command"] == .array(["torchrun"]))
        let args = try #require(first["args"]?.arrayValue?.compactMap { $0.stringValue })
        #expect(args.first?.hasSuffix(".py") == true)
        let ports = first["ports"]?.arrayValue ?? []
        let masterPort = try #require(ports.first { $0["name"] == "pytorchjob-port" }?["containerPort"]?.intValue)
        #expect(ports.contains { $0["containerPort"]?.intValue == 29650 })
        let env = try #require(first["env"]?.arrayValue)
        let names = env.compactMap { $0["name"]?.stringValue }
        #expect(names == ["PET_RDZV_ID", "COHORT_LEADER_PORT", "COHORT_GROUP_TOKEN", "COHORT_DIR", "COHORT_MODE"])
        for name in names { #expect(try cohortReads(name), "Cohort does not read \(name)") }
        #expect(!names.contains("MASTER_PORT") && !names.contains("COHORT_LEADER"))
        for pod in pods.dropFirst() {
            #expect(pod["env"] == first["env"] && pod["args"] == first["args"] && pod["ports"] == first["ports"])
        }

        // Simulate torchrun's processes in both pods on this host: the operator's pod variables, then
        // what torchrun sets per process; MASTER_ADDR is 127.0.0.1 and the leader port a free one.
        // example-train stands in for the placeholder train.py, with the manifest's arguments.
        let trainArguments = Array(args.dropFirst())
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try freePort()
        var environments: [[String: String]] = []
        for node in 0..<nodes {
            let manifestEnvironment = try podEnvironment(
                env, labels: ["training.kubeflow.org/job-name": jobName], secrets: [:])
            #expect(manifestEnvironment["COHORT_LEADER_PORT"] == "29650")
            #expect(manifestEnvironment["COHORT_LEADER_PORT"] != "\(masterPort)")
            #expect(manifestEnvironment["COHORT_GROUP_TOKEN"] == nil)
            let runID = try #require(manifestEnvironment["PET_RDZV_ID"])
            #expect(runID == jobName)
            for local in 0..<perNode {
                var process = manifestEnvironment
                let operatorValues = [
                    "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "\(masterPort)", "PET_NNODES": "\(nodes)",
                    "PET_NPROC_PER_NODE": "\(perNode)", "PET_NODE_RANK": "\(node)",
                ]
                let torchrunValues = [
                    "RANK": "\(node * perNode + local)", "WORLD_SIZE": "\(worldSize)", "LOCAL_RANK": "\(local)",
                    "LOCAL_WORLD_SIZE": "\(perNode)", "GROUP_RANK": "\(node)", "GROUP_WORLD_SIZE": "\(nodes)",
                    "TORCHELASTIC_RUN_ID": runID, "TORCHELASTIC_RESTART_COUNT": "0",
                ]
                process.merge(operatorValues) { $1 }
                process.merge(torchrunValues) { $1 }
                process["COHORT_LEADER_PORT"] = "\(port)"
                process["COHORT_DIR"] = directory.path
                process["COHORT_CONSOLE"] = "off"
                environments.append(process)
            }
        }
        let processes = try environments.map {
            try ChildProcess.launch(ChildProcess.product("example-train"), trainArguments, environment: $0)
        }
        for (index, process) in processes.enumerated() {
            let result = try process.wait(timeout: .seconds(120))
            #expect(result.status == 0, "rank \(index): \(result.standardError)")
        }

        let all = LocalRun.list(under: directory.path)
        let ranks = all.filter { $0.jobType == "train" }.sorted { $0.id < $1.id }
        #expect(ranks.map(\.id) == (0..<worldSize).map { "\(jobName)-r\($0)" })
        #expect(ranks.compactMap(\.name) == (0..<worldSize).map { "\(jobName)-rank\($0)" })
        for run in ranks {
            #expect(run.group == jobName && run.state == .finished, "\(run.id)")
            #expect(run.lastStep == (try lastStep(ofExampleTrain: trainArguments)), "\(run.id)")
            #expect(run.config["_cohort"]?["launcher"] == "torchrun")
            #expect(run.config["_cohort"]?["world_size"] == .int(Int64(worldSize)))
            #expect(run.config["_cohort"]?["local_world_size"] == .int(Int64(perNode)))
        }
        let aggregate = try #require(all.first { $0.jobType == "group" })
        #expect(aggregate.group == jobName)
        #expect(aggregate.summary["group_state"] == "finished")
        #expect(aggregate.summary["train/loss/count"] == .double(Double(worldSize)))
    }

    @Test("configs/*.env name only variables Cohort reads")
    func configVariables() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/configs").filter {
            $0.hasSuffix(".env")
        }
        #expect(Set(files).isSuperset(of: ["demo.env", "group-train.env", "cv-folds.env"]))
        let readme = try String(contentsOfFile: packageRoot + "/configs/README.md", encoding: .utf8)
        for file in files {
            #expect(readme.contains("`\(file)`"), "configs/README.md does not describe \(file)")
            let text = try String(contentsOfFile: packageRoot + "/configs/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.hasPrefix("#") && line.contains("=") {
                let name = String(line.prefix { $0 != "=" })
                #expect(try cohortReads(name), "\(file): Cohort does not read \(name)")
                #expect(readme.contains("`\(name)`"), "configs/README.md does not describe \(name)")
            }
        }
    }

    /// Runs `script` in bash after loading `configs/<file>` (`set -a`), with runs under `directory`.
    private func withConfig(_ file: String, directory: String, _ script: String) throws -> ChildProcess.Result {
        try ChildProcess.run(
            "/bin/bash",
            [
                "-c",
                "set -euo pipefail; set -a; source \"$1\"; set +a; export COHORT_DIR=\"$2\" COHORT_CONSOLE=off; "
                    + script,
                "bash", packageRoot + "/configs/" + file, directory,
            ],
            environment: ["TRAIN": ChildProcess.product("example-train"), "COHORT": ChildProcess.product("cohort")],
            timeout: .seconds(120))
    }

    @Test("configs/group-train.env with cohort launch -n 2: both ranks in its group and job type, linked to the leader")
    func groupTrainConfig() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // cohort launch sets COHORT_RUN_GROUP and COHORT_LEADER_PORT for its ranks itself, so the
        // group is passed on with --group.
        let result = try withConfig(
            "group-train.env", directory: directory.path,
            "exec \"$COHORT\" launch -n 2 --group \"$COHORT_RUN_GROUP\" -- \"$TRAIN\" --steps 3")
        #expect(result.status == 0, "\(result.standardError)")
        let all = LocalRun.list(under: directory.path)
        let ranks = all.filter { $0.jobType == "train" }.sorted { $0.id < $1.id }
        #expect(ranks.map(\.id) == ["resnet50-ddp-r0", "resnet50-ddp-r1"])
        #expect(ranks.allSatisfy { $0.group == "resnet50-ddp" && $0.state == .finished && $0.lastStep == 2 })
        // COHORT_GROUP_LINK=true and a shared COHORT_GROUP_TOKEN: both ranks reached the leader.
        let aggregate = try #require(all.first { $0.jobType == "group" })
        #expect(aggregate.group == "resnet50-ddp")
        #expect(aggregate.summary["group_state"] == "finished")
        #expect(aggregate.summary["train/loss/count"] == .double(2))
    }

    @Test(
        "configs/cv-folds.env: three fold processes land in its group with its job type and tags; cohort group summarize combines them"
    )
    func cvFoldsConfig() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try withConfig(
            "cv-folds.env", directory: directory.path,
            "for fold in 0 1 2; do \"$TRAIN\" --steps 3 --name \"$COHORT_RUN_GROUP-fold$fold\"; done")
        #expect(result.status == 0, "\(result.standardError)")
        let runs = LocalRun.list(under: directory.path).sorted { ($0.name ?? "") < ($1.name ?? "") }
        #expect(runs.compactMap(\.name) == ["resnet50-cv-fold0", "resnet50-cv-fold1", "resnet50-cv-fold2"])
        #expect(runs.allSatisfy { $0.group == "resnet50-cv" && $0.jobType == "fold" && $0.state == .finished })
        #expect(runs.allSatisfy { $0.tags == ["cv", "5-fold"] })
        #expect(!runs.contains { $0.jobType == "group" })
        let summarize = try ChildProcess.run(
            ChildProcess.product("cohort"), ["group", "summarize", "resnet50-cv", "--dir", directory.path, "--json"])
        #expect(summarize.status == 0, "\(summarize.standardError)")
        #expect(try JSONParser.parse(summarize.standardOutput)["metrics"]?["train/loss"]?["count"] == .int(3))
    }
}
