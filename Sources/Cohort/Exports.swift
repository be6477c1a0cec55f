// JSONValue, journal records and the other shared value types are part of Cohort's public API.
@_exported public import CohortModel
