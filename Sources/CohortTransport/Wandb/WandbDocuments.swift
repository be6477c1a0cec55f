/// The GraphQL documents of ``WandbAPIClient``: our own text, with W&B's operation names, variables
/// and fields (`wandb-protocol.md` §3), valid against W&B's schema and Cohort's.
enum WandbDocuments {
    static let viewer = """
        query Viewer {
          viewer { id entity username email }
        }
        """

    static let serverFeatures = """
        query ServerFeaturesQuery {
          serverInfo { features { name isEnabled } }
        }
        """

    static let upsertBucket = """
        mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String, $groupName: String, \
        $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString, $host: String, \
        $debug: Boolean, $program: String, $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!], \
        $summaryMetrics: JSONString) {
          upsertBucket(input: {id: $id, name: $name, groupName: $groupName, modelName: $project, entityName: $entity, \
        description: $description, displayName: $displayName, notes: $notes, config: $config, commit: $commit, host: $host, \
        debug: $debug, jobProgram: $program, jobRepo: $repo, jobType: $jobType, state: $state, sweep: $sweep, tags: $tags, \
        summaryMetrics: $summaryMetrics}) {
            bucket {
              id name displayName description sweepName historyLineCount
              project { id name entity { id name } }
            }
            inserted
          }
        }
        """

    static let runResumeStatus = """
        query RunResumeStatus($project: String, $entity: String, $name: String!) {
          model(name: $project, entityName: $entity) {
            id name entity { id name }
            bucket(name: $name, missingOk: true) {
              id name displayName notes tags config summaryMetrics
              logLineCount historyLineCount eventsLineCount historyTail eventsTail
              wandbConfig(keys: ["t"])
            }
          }
        }
        """

    static let createRunFiles = """
        mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
          createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
            runID uploadHeaders files { name uploadUrl }
          }
        }
        """

    static let runFiles = """
        query RunFiles($entity: String!, $project: String!, $run: String!, $names: [String], $cursor: String, $perPage: Int) {
          project(name: $project, entityName: $entity) {
            run(name: $run) {
              files(names: $names, after: $cursor, first: $perPage) {
                pageInfo { endCursor hasNextPage }
                edges { node { name directUrl sizeBytes } }
              }
            }
          }
        }
        """

    static let notifyScriptableRunAlert = """
        mutation NotifyScriptableRunAlert($entityName: String!, $projectName: String!, $runName: String!, $title: String!, \
        $text: String!, $severity: AlertSeverity = INFO, $waitDuration: Duration) {
          notifyScriptableRunAlert(input: {entityName: $entityName, projectName: $projectName, runName: $runName, \
        title: $title, text: $text, severity: $severity, waitDuration: $waitDuration}) {
            success
          }
        }
        """
}
