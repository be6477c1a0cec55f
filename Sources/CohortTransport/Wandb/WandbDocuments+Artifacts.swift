extension WandbDocuments {
    static let createArtifact = """
        mutation CreateArtifact($input: CreateArtifactInput!) {
          createArtifact(input: $input) {
            artifact { id state artifactSequence { latestArtifact { id } } }
          }
        }
        """

    static let createArtifactManifest = """
        mutation CreateArtifactManifest($artifactID: ID!, $baseArtifactID: ID, $name: String!, $digest: String!, \
        $entityName: String!, $projectName: String!, $runName: String!, $manifestType: ArtifactManifestType!, \
        $includeUpload: Boolean!) {
          createArtifactManifest(input: {artifactID: $artifactID, baseArtifactID: $baseArtifactID, name: $name, \
        digest: $digest, entityName: $entityName, projectName: $projectName, runName: $runName, type: $manifestType}) {
            artifactManifest {
              id
              file { id uploadUrl @include(if: $includeUpload) uploadHeaders @include(if: $includeUpload) }
            }
          }
        }
        """

    static let createArtifactFiles = """
        mutation CreateArtifactFiles($input: CreateArtifactFilesInput!) {
          createArtifactFiles(input: $input) {
            files {
              edges {
                node {
                  storagePath uploadUrl uploadHeaders
                  uploadMultipartUrls { uploadID uploadUrlParts { partNumber uploadUrl } }
                  artifact { id }
                }
              }
            }
          }
        }
        """

    static let completeMultipartUploadArtifact = """
        mutation CompleteMultipartUploadArtifact($completeMultipartAction: CompleteMultipartAction!, \
        $completedParts: [UploadPartsInput!]!, $artifactID: ID!, $storagePath: String!, $uploadID: String!) {
          completeMultipartUploadArtifact(input: {completeMultipartAction: $completeMultipartAction, \
        completedParts: $completedParts, artifactID: $artifactID, storagePath: $storagePath, uploadID: $uploadID}) {
            digest
          }
        }
        """

    static let commitArtifact = """
        mutation CommitArtifact($artifactID: ID!) {
          commitArtifact(input: {artifactID: $artifactID}) {
            artifact { id digest }
          }
        }
        """

    static let useArtifact = """
        mutation UseArtifact($input: UseArtifactInput!) {
          useArtifact(input: $input) {
            artifact { id }
          }
        }
        """

    static let artifactByName = """
        query ArtifactByName($entity: String!, $project: String!, $name: String!) {
          project(name: $project, entityName: $entity) {
            artifact(name: $name) {
              id digest state versionIndex size fileCount
              artifactType { name }
              artifactSequence { name }
              aliases { alias }
              currentManifest { id file { directUrl } }
            }
          }
        }
        """

    static let getArtifactMembershipFileURLs = """
        query GetArtifactMembershipFileUrls($entity: String!, $project: String!, $collection: String!, $alias: String!, \
        $cursor: String, $perPage: Int) {
          project(name: $project, entityName: $entity) {
            artifactCollection(name: $collection) {
              __typename
              artifactMembership(aliasName: $alias) {
                files(after: $cursor, first: $perPage) {
                  pageInfo { endCursor hasNextPage }
                  edges { node { name directUrl } }
                }
              }
            }
          }
        }
        """
}
