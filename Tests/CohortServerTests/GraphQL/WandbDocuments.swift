/// The GraphQL documents wandb-core 0.31.0 sends for the run path, as they travel on the wire
/// (genqlient's printing: a leading newline, tab indentation, input objects without spaces).
/// `wandb-0.31-trace.jsonl` keeps only each document's first line (`gql_query_head`), its top-level
/// fields and its length (`gql_query_len`); these texts were rebuilt from those, the answers in the
/// trace and `wandb-protocol.md` §3, and `traceLengths` pins them to the recorded lengths.
enum WandbDocuments {
    static let viewer = """

        query Viewer {
        \tviewer {
        \t\tid
        \t\tentity
        \t\tusername
        \t\temail
        \t\tflags
        \t\tteams {
        \t\t\tedges {
        \t\t\t\tnode {
        \t\t\t\t\tname
        \t\t\t\t}
        \t\t\t}
        \t\t}
        \t}
        }

        """

    static let serverFeatures = """

        query ServerFeaturesQuery {
        \tserverInfo {
        \t\tfeatures {
        \t\t\tname
        \t\t\tisEnabled
        \t\t}
        \t}
        }

        """

    static let upsertBucket = """

        mutation UpsertBucket ($id: String, $name: String, $project: String, $entity: String, $groupName: String, $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString, $host: String, $debug: Boolean, $program: String, $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!], $summaryMetrics: JSONString) {
        \tupsertBucket(input: {id:$id,name:$name,groupName:$groupName,modelName:$project,entityName:$entity,description:$description,displayName:$displayName,notes:$notes,config:$config,commit:$commit,host:$host,debug:$debug,jobProgram:$program,jobRepo:$repo,jobType:$jobType,state:$state,sweep:$sweep,tags:$tags,summaryMetrics:$summaryMetrics}) {
        \t\tbucket {
        \t\t\tid
        \t\t\tname
        \t\t\tdisplayName
        \t\t\tdescription
        \t\t\tconfig
        \t\t\tsweepName
        \t\t\tproject {
        \t\t\t\tid
        \t\t\t\tname
        \t\t\t\tentity {
        \t\t\t\t\tid
        \t\t\t\t\tname
        \t\t\t\t}
        \t\t\t}
        \t\t\thistoryLineCount
        \t\t}
        \t\tinserted
        \t}
        }

        """

    static let organizationCoreWeave = """

        query OrganizationCoreWeaveOrganizationID ($entityName: String!) {
        \tentity(name: $entityName) {
        \t\torganization {
        \t\t\tcoreWeaveOrganizationId
        \t\t}
        \t}
        }

        """

    static let runResumeStatus = """

        query RunResumeStatus ($project: String, $entity: String, $name: String!) {
        \tmodel(name: $project, entityName: $entity) {
        \t\tid
        \t\tname
        \t\tentity {
        \t\t\tid
        \t\t\tname
        \t\t}
        \t\tbucket(name: $name, missingOk: true) {
        \t\t\tid
        \t\t\tname
        \t\t\tsummaryMetrics
        \t\t\tdisplayName
        \t\t\tlogLineCount
        \t\t\thistoryLineCount
        \t\t\teventsLineCount
        \t\t\thistoryTail
        \t\t\teventsTail
        \t\t\tconfig
        \t\t\ttags
        \t\t\tnotes
        \t\t\twandbConfig(keys: ["t"])
        \t\t}
        \t}
        }

        """

    static let createRunFiles = """

        mutation CreateRunFiles ($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
        \tcreateRunFiles(input: {entityName:$entity,projectName:$project,runName:$run,files:$files}) {
        \t\trunID
        \t\tuploadHeaders
        \t\tfiles {
        \t\t\tname
        \t\t\tuploadUrl
        \t\t}
        \t}
        }

        """

    static let notifyScriptableRunAlert = """

        mutation NotifyScriptableRunAlert ($entityName: String!, $projectName: String!, $runName: String!, $title: String!, $text: String!, $severity: AlertSeverity = INFO, $waitDuration: Duration) {
        \tnotifyScriptableRunAlert(input: {entityName:$entityName,projectName:$projectName,runName:$runName,title:$title,text:$text,severity:$severity,waitDuration:$waitDuration}) {
        \t\tsuccess
        \t}
        }

        """

    /// `gql_query_len` of each document in the trace.
    static let traceLengths: [(name: String, document: String, length: Int)] = [
        ("Viewer", viewer, 129),
        ("ServerFeaturesQuery", serverFeatures, 86),
        ("UpsertBucket", upsertBucket, 897),
        ("OrganizationCoreWeaveOrganizationID", organizationCoreWeave, 150),
        ("RunResumeStatus", runResumeStatus, 400),
        ("CreateRunFiles", createRunFiles, 258),
        ("NotifyScriptableRunAlert", notifyScriptableRunAlert, 381),
    ]

    /// `UpsertBucket` variables of the trace's first run (scenario `main`, seq 2), verbatim.
    static let upsertBucketVariables = #"""
        {"id": null, "name": "wa5l7hq8", "project": "proto-research", "entity": "test-entity", "groupName": "grp-a", "description": null, "displayName": null, "notes": "research run", "commit": null, "config": "{\"layers\":{\"value\":[64,64]},\"opt\":{\"value\":{\"beta\":0.9,\"name\":\"adam\"}},\"_wandb\":{\"value\":{\"cli_version\":\"0.31.0\",\"python_version\":\"3.11.7\",\"t\":{\"3\":[15,16],\"5\":\"0.31.0\",\"12\":\"0.31.0\",\"13\":\"linux-x86_64\",\"4\":\"3.11.7\"},\"m\":[]}},\"lr\":{\"value\":0.01}}", "host": "vm", "debug": null, "program": "train.py", "repo": null, "jobType": "train", "state": null, "sweep": null, "tags": ["t1", "t2"], "summaryMetrics": null}
        """#

    /// `CreateRunFiles` variables (scenario `main`, seq 15), verbatim.
    static let createRunFilesVariables = #"""
        {"entity": "test-entity", "project": "proto-research", "run": "wa5l7hq8", "files": ["media/images/img_11_ccd4fb1727922a0c13fd.png", "media/table/tbl_12_f87e254b768120a6aa89.table.json", "now.txt", "wandb-metadata.json", "requirements.txt"]}
        """#

    /// `NotifyScriptableRunAlert` variables (scenario `main`, seq 22), verbatim.
    static let alertVariables = #"""
        {"entityName": "test-entity", "projectName": "proto-research", "runName": "wa5l7hq8", "title": "hello", "text": "alert text", "severity": "WARN", "waitDuration": 60000}
        """#

    /// `RunResumeStatus` variables (scenario `res`, seq 2), verbatim.
    static let runResumeVariables = #"""
        {"project": "resume-lab", "entity": "test-entity", "name": "resume-0001"}
        """#
}
